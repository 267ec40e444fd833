/**
 * Which HighLevel connections were made against the built-in sandbox. The mark is
 * `settings.sandbox: true`, written by the repository when the configured HighLevel target is the
 * sandbox (and by `parley start` for its sandbox location). A sandbox token means nothing to the live
 * HighLevel API, and a sandbox location id is not a real location, so a live target never calls with
 * one (connection-repository.ts `callable`) and `parley doctor` says so.
 */
import type { Connection, Provider } from './types.js';

export type HighLevelTarget = 'sandbox' | 'live';

export const SANDBOX_SETTING = 'sandbox';

export function isSandboxConnection(connection: Pick<Connection, 'provider' | 'settings'>): boolean {
  return connection.provider === 'highlevel' && connection.settings[SANDBOX_SETTING] === true;
}

/** Whether a process calling `target` may use the connection: a live target skips sandbox ones. */
export function callableFor(
  target: HighLevelTarget | undefined,
  connection: Pick<Connection, 'provider' | 'settings'>,
) {
  return target !== 'live' || !isSandboxConnection(connection);
}

/** The settings a save stores: a HighLevel connection saved while the target is the sandbox is marked. */
export function settingsForTarget(
  target: HighLevelTarget | undefined,
  provider: Provider,
  settings: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const given = settings ?? {};
  return target === 'sandbox' && provider === 'highlevel' ? { ...given, [SANDBOX_SETTING]: true } : given;
}

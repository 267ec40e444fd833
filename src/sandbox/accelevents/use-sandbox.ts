/**
 * Finds the built-in Accelevents sandbox on its well-known port, or starts one there for as long as the
 * caller needs it. `parley connect accelevents --base-url sandbox` uses this: the stored base URL then
 * points at the port a later `parley accelevents-sandbox` (or `parley start`) serves again, and the
 * sandbox's fixed key keeps working across restarts.
 */
import type { Logger } from '../../lib/create-logger.js';
import { ADMIN_PREFIX } from './admin-routes.js';
import { startAcceleventsSandbox } from './create-sandbox.js';
import { DEFAULT_ACCELEVENTS_SANDBOX_PORT } from './sandbox-options.js';

export const SANDBOX_PORT_VARIABLE = 'PARLEY_ACCELEVENTS_SANDBOX_PORT';

export interface UsedSandbox {
  url: string;
  apiKey: string;
  /** True when this call started the sandbox (close() stops it); false when one was already running. */
  started: boolean;
  close(): Promise<void>;
}

export function sandboxPort(env: NodeJS.ProcessEnv): number {
  const raw = env[SANDBOX_PORT_VARIABLE];
  if (raw === undefined || raw === '') return DEFAULT_ACCELEVENTS_SANDBOX_PORT;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65_535) {
    throw new RangeError(`${SANDBOX_PORT_VARIABLE} must be a port from 1 to 65535, got "${raw}"`);
  }
  return port;
}

export async function useAcceleventsSandbox(options: {
  port: number;
  logger: Logger;
  fetch?: typeof fetch;
}): Promise<UsedSandbox> {
  const origin = `http://127.0.0.1:${options.port}`;
  const running = await (options.fetch ?? fetch)(`${origin}${ADMIN_PREFIX}/info`, { signal: AbortSignal.timeout(2000) })
    .then(async (res) => (res.ok ? ((await res.json()) as { url?: unknown; apiKey?: unknown }) : null))
    .catch(() => null);
  if (running && typeof running.url === 'string' && typeof running.apiKey === 'string') {
    return { url: running.url, apiKey: running.apiKey, started: false, close: async () => {} };
  }
  const sandbox = await startAcceleventsSandbox({ port: options.port, host: '127.0.0.1', logger: options.logger });
  return { url: sandbox.url, apiKey: sandbox.apiKey, started: true, close: () => sandbox.close() };
}

/**
 * The built-in sandboxes `parley start` runs (DESIGN C9), and the sandbox HighLevel connection that
 * makes them the target until real credentials are connected.
 */
import type { Logger } from '../logging/create-logger.js';
import type { Runtime } from '../runtime/open-runtime.js';
import { type AcceleventsSandbox, startAcceleventsSandbox } from '../sandbox/accelevents/create-sandbox.js';
import { sandboxPort } from '../sandbox/accelevents/use-sandbox.js';
import { type HighLevelSandbox, startHighLevelSandbox } from '../sandbox/highlevel/create-sandbox.js';
import { planScopes } from '../workflows/scope-planner.js';

export interface ParleySandboxes {
  highlevel: HighLevelSandbox;
  accelevents: AcceleventsSandbox;
}

export async function startSandboxes(
  env: { host: string; sandboxPort: number },
  logger: Logger,
): Promise<ParleySandboxes> {
  const highlevel = await startHighLevelSandbox({
    port: env.sandboxPort,
    host: env.host,
    logger: logger.child({ name: 'highlevel-sandbox' }),
  });
  const accelevents = await startAcceleventsSandbox({
    port: env.sandboxPort === 0 ? 0 : sandboxPort(process.env),
    host: env.host,
    logger: logger.child({ name: 'accelevents-sandbox' }),
  });
  return { highlevel, accelevents };
}

/**
 * With no HighLevel connection for the sandbox's location, connect it with a sandbox Private
 * Integration Token holding the planned scopes. The sandbox keeps tokens in memory, so a token stored
 * by an earlier run is replaced on every start.
 */
export async function connectSandboxLocation(runtime: Runtime, sandbox: HighLevelSandbox): Promise<void> {
  if (runtime.config.highlevel.target !== 'sandbox') return;
  const scopes = planScopes(runtime.config.features).scopes;
  const { accessToken } = sandbox.issueToken({ kind: 'pit', scopes, locationId: sandbox.defaultLocationId });
  await runtime.repository.save({
    provider: 'highlevel',
    kind: 'pit',
    accountKey: `location:${sandbox.defaultLocationId}`,
    label: 'HighLevel sandbox location',
    userType: 'Location',
    locationId: sandbox.defaultLocationId,
    companyId: sandbox.companyId,
    scopes,
    settings: { sandbox: true },
    secrets: { accessToken },
  });
}

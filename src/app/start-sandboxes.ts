/**
 * The built-in sandboxes `parley start` runs when the HighLevel target is the sandbox (or with
 * `--sandbox`), and the sandbox HighLevel connection that makes them the target until real credentials
 * are connected. They listen on loopback only, whatever HOST says: they hand out tokens to anyone who
 * asks and are meant for this machine.
 */

import { SANDBOX_SETTING } from '../credentials/sandbox-mark.js';
import { configPlanner } from '../features/running-features.js';
import type { HighLevelAppConfig } from '../highlevel/highlevel-settings.js';
import {
  mergeWebhookKeys,
  parseWebhookKeys,
  resolveWebhookKeys,
  type WebhookKeys,
} from '../intake/highlevel/webhook-keys.js';
import { WEBHOOK_PATH } from '../intake/highlevel/webhook-route.js';
import type { Logger } from '../lib/create-logger.js';
import { ACTION_KEYS } from '../marketplace/action-catalog.js';
import { ACTIONS_PATH } from '../marketplace/actions/register-action-routes.js';
import { keepMarketplaceSecret, MARKETPLACE_SECRET_HEADER } from '../marketplace/marketplace-secret.js';
import { SUBSCRIPTION_PATH } from '../marketplace/subscription-route.js';
import { type AcceleventsSandbox, startAcceleventsSandbox } from '../sandbox/accelevents/create-sandbox.js';
import { sandboxPort } from '../sandbox/accelevents/use-sandbox.js';
import { type HighLevelSandbox, startHighLevelSandbox } from '../sandbox/highlevel/create-sandbox.js';
import type { Runtime } from './open-runtime.js';

export interface ParleySandboxes {
  highlevel: HighLevelSandbox;
  accelevents: AcceleventsSandbox;
}

export const SANDBOX_HOST = '127.0.0.1';

/** `processEnv` is read for PARLEY_ACCELEVENTS_SANDBOX_PORT. */
export async function startSandboxes(
  env: { sandboxPort: number },
  processEnv: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<ParleySandboxes> {
  const highlevel = await startHighLevelSandbox({
    port: env.sandboxPort,
    host: SANDBOX_HOST,
    logger: logger.child({ name: 'highlevel-sandbox' }),
  });
  try {
    const accelevents = await startAcceleventsSandbox({
      port: env.sandboxPort === 0 ? 0 : sandboxPort(processEnv),
      host: SANDBOX_HOST,
      logger: logger.child({ name: 'accelevents-sandbox' }),
    });
    return { highlevel, accelevents };
  } catch (error) {
    await highlevel.close();
    throw error;
  }
}

export async function closeSandboxes(sandboxes: ParleySandboxes): Promise<void> {
  await sandboxes.highlevel.close();
  await sandboxes.accelevents.close();
}

/**
 * Connects the sandbox's location with a sandbox Private Integration Token holding the planned scopes,
 * marked as a sandbox connection (src/credentials/sandbox-mark.ts) so a live target never calls with
 * it. The sandbox keeps tokens in memory, so a token stored by an earlier run is replaced on every start.
 */
export async function connectSandboxLocation(runtime: Runtime, sandbox: HighLevelSandbox): Promise<void> {
  if (runtime.config.highlevel.target !== 'sandbox') return;
  const scopes = (await configPlanner(runtime.config)).plan().scopes;
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
    settings: { [SANDBOX_SETTING]: true },
    secrets: { accessToken },
  });
}

/**
 * The keys POST /hooks/highlevel trusts: resolveWebhookKeys' (HighLevel's published ones, config's, and
 * the sandbox at the configured base URL), plus, when the in-process HighLevel sandbox is the target,
 * that sandbox's own keys: its webhooks come to this parley (pointHighLevelSandboxAt).
 */
export async function highLevelWebhookKeys(
  highlevel: Pick<HighLevelAppConfig, 'target' | 'baseUrl' | 'webhookKeys'>,
  sandboxes: ParleySandboxes | null,
): Promise<WebhookKeys> {
  const keys = await resolveWebhookKeys(highlevel);
  if (!sandboxes || highlevel.target !== 'sandbox') return keys;
  const own = sandboxes.highlevel.webhookPublicKeys;
  return mergeWebhookKeys(keys, parseWebhookKeys({ ed25519: [own.ed25519], rsa: [own.rsa] }));
}

/**
 * Sends the HighLevel sandbox's webhooks to parley's own /hooks/highlevel (`origin` is where this
 * machine reaches parley), so a contact's reply added in the sandbox reaches the pipeline with no
 * other process. Only under the sandbox target: a live target ignores sandbox connections, so the
 * jobs those webhooks start could not call the sandbox back.
 */
export function pointHighLevelSandboxAt(
  highlevel: Pick<HighLevelAppConfig, 'target'>,
  sandboxes: ParleySandboxes,
  origin: string,
): boolean {
  if (highlevel.target !== 'sandbox') return false;
  sandboxes.highlevel.webhooks.setUrl(`${origin}${WEBHOOK_PATH}`);
  return true;
}

/**
 * Fills in the HighLevel sandbox's "developer portal" for parley's marketplace app, as a developer
 * does in HighLevel's: the trigger subscription URL, one URL per custom action, and the secret header
 * as the static header every call carries (src/marketplace/marketplace-secret.ts). Then a workflow
 * made at POST /sandbox/workflows subscribes to this parley and calls its actions. Sandbox target and
 * the `marketplace` feature only; the secret goes to the in-process sandbox, never to output.
 */
export async function pointHighLevelSandboxWorkflowsAt(
  runtime: Pick<Runtime, 'config' | 'store' | 'vault'>,
  sandboxes: ParleySandboxes,
  origin: string,
): Promise<boolean> {
  const { config } = runtime;
  if (config.highlevel.target !== 'sandbox' || !(config.features as readonly string[]).includes('marketplace')) {
    return false;
  }
  const { secret } = await keepMarketplaceSecret(runtime.store.db, runtime.vault);
  sandboxes.highlevel.configureMarketplaceApp({
    subscriptionUrl: `${origin}${SUBSCRIPTION_PATH}`,
    actionUrls: Object.fromEntries(
      ACTION_KEYS.map((key) => [key, `${origin}${ACTIONS_PATH.replace(':actionKey', key)}`]),
    ),
    headers: { [MARKETPLACE_SECRET_HEADER]: secret },
  });
  return true;
}

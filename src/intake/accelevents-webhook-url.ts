/**
 * The Accelevents webhook URL `parley start` and `parley serve` show: the kept secret's URL on every
 * start (webhook-secret.ts), so the URL pasted into Accelevents keeps working across restarts. A secret
 * an earlier parley stored only as a hash is kept and still verifies, but cannot be shown; in sandbox
 * mode it is replaced once, so the Accelevents sandbox can be pointed at a URL that works.
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../lib/create-logger.js';
import type { Database } from '../store/schema.js';
import type { Vault } from '../vault/types.js';
import { ACCELEVENTS_WEBHOOK_PATH } from './accelevents-webhook-route.js';
import { createAcceleventsWebhookSecret, keepAcceleventsWebhookSecret } from './webhook-secret.js';

export const ROTATE_COMMAND = 'parley connect accelevents --rotate-webhook --public-url <url>';

export interface WebhookSecretDeps {
  db: Kysely<Database>;
  vault: Vault;
  sandboxMode: boolean;
  logger: Logger;
}

/** The current secret, or null when only its hash is known. Never logged. */
export async function webhookSecretForStart(deps: WebhookSecretDeps): Promise<string | null> {
  const kept = await keepAcceleventsWebhookSecret(deps.db, deps.vault);
  if (kept.state !== 'hash_only') return kept.secret;
  if (!deps.sandboxMode) return null;
  deps.logger.info('replaced an Accelevents webhook secret kept only as a hash (sandbox mode); the new one is kept');
  return createAcceleventsWebhookSecret(deps.db, { vault: deps.vault });
}

export function webhookUrl(origin: string, secret: string): string {
  return `${origin}${ACCELEVENTS_WEBHOOK_PATH.replace(':secret', secret)}`;
}

/** The startup banner's line for the URL. */
export function webhookUrlLine(origin: string, secret: string | null): string {
  return secret === null
    ? `  Accelevents webhook URL:   kept only as a hash by an earlier parley: it still works but cannot be shown; \`${ROTATE_COMMAND}\` makes one that can (the old URL then stops working)`
    : `  Accelevents webhook URL:   ${webhookUrl(origin, secret)}   (kept across restarts; replace it with \`${ROTATE_COMMAND}\`)`;
}

/** `host` as it goes in a URL: IPv6 in brackets. */
export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Where a process on this machine reaches a server listening on `host`: a wildcard means loopback. */
export function localOrigin(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${urlHost(reachable)}:${port}`;
}

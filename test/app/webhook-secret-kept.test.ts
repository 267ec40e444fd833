/**
 * The Accelevents webhook secret across starts, on both databases: made once (hash plus a sealed copy),
 * then kept; replaced only by rotation; a secret an earlier parley kept only as a hash is kept in live
 * mode and replaced once in sandbox mode; the sealed copy follows a data-key rotation.
 */
import { randomBytes } from 'node:crypto';
import { beforeEach, expect, it } from 'vitest';
import { webhookSecretForStart } from '../../src/intake/accelevents-webhook-url.js';
import {
  createAcceleventsWebhookSecret,
  type KeptWebhookSecret,
  keepAcceleventsWebhookSecret,
  SEALED_WEBHOOK_SECRET_SETTING,
  verifyWebhookSecret,
  WEBHOOK_SECRET_SETTING,
} from '../../src/intake/webhook-secret.js';
import { createLogger } from '../../src/lib/create-logger.js';
import type { Store } from '../../src/store/open-database.js';
import { openVault, type VaultHandle } from '../../src/vault/open-vault.js';
import { describeEachDatabase } from '../helpers/databases.js';

const silent = createLogger({ level: 'silent' });

function secretOf(kept: KeptWebhookSecret): string {
  if (kept.state === 'hash_only') throw new Error('expected a secret that can be shown');
  return kept.secret;
}

describeEachDatabase('the kept Accelevents webhook secret', (getStore: () => Store) => {
  let vault: VaultHandle;
  const db = () => getStore().db;
  const setting = async (key: string) =>
    (await db().selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value;

  beforeEach(async () => {
    // Each test starts from an installation that has never made a secret.
    await db()
      .deleteFrom('settings')
      .where('key', 'in', [WEBHOOK_SECRET_SETTING, SEALED_WEBHOOK_SECRET_SETTING])
      .execute();
    // No active-key cache, so a rotation need not wait one out.
    vault ??= await openVault({
      db: db(),
      masterKey: randomBytes(32),
      logger: silent,
      activeKeyCacheMs: 0,
      sleep: async () => {},
    });
  });

  it('makes a secret on the first start', async () => {
    const first = await keepAcceleventsWebhookSecret(db(), vault);
    expect(first.state).toBe('made');
  });

  it('returns the same secret on every later start', async () => {
    const first = await keepAcceleventsWebhookSecret(db(), vault);
    const second = await keepAcceleventsWebhookSecret(db(), vault);
    expect(second).toEqual({ state: 'kept', secret: secretOf(first) });
    expect(await verifyWebhookSecret(db(), secretOf(second))).toBe(true);
  });

  it('never stores the secret in plaintext, only hashed or sealed in a vault envelope', async () => {
    const secret = secretOf(await keepAcceleventsWebhookSecret(db(), vault));
    const rows = await db().selectFrom('settings').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(await setting(SEALED_WEBHOOK_SECRET_SETTING)).toMatch(/^v1\./);
  });

  it('gives processes starting together one secret between them', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => keepAcceleventsWebhookSecret(db(), vault)));
    const secrets = new Set(results.map(secretOf));
    expect(secrets.size).toBe(1);
    expect(results.filter((r) => r.state === 'made')).toHaveLength(1);
    expect(await verifyWebhookSecret(db(), [...secrets][0])).toBe(true);
  });

  it('keeps the secret a rotation made', async () => {
    await keepAcceleventsWebhookSecret(db(), vault);
    const rotated = await createAcceleventsWebhookSecret(db(), { vault });
    expect(await keepAcceleventsWebhookSecret(db(), vault)).toEqual({ state: 'kept', secret: rotated });
  });

  it('stops verifying the secret a rotation replaced', async () => {
    const before = await keepAcceleventsWebhookSecret(db(), vault);
    await createAcceleventsWebhookSecret(db(), { vault });
    await keepAcceleventsWebhookSecret(db(), vault);
    expect(await verifyWebhookSecret(db(), secretOf(before))).toBe(false);
  });

  it('keeps a secret stored only as a hash in live mode, showing no URL for it', async () => {
    await createAcceleventsWebhookSecret(db());
    expect(await keepAcceleventsWebhookSecret(db(), vault)).toEqual({ state: 'hash_only' });
    expect(await webhookSecretForStart({ db: db(), vault, sandboxMode: false, logger: silent })).toBeNull();
  });

  it('still verifies a secret stored only as a hash after a live-mode start', async () => {
    const legacy = await createAcceleventsWebhookSecret(db());
    await keepAcceleventsWebhookSecret(db(), vault);
    await webhookSecretForStart({ db: db(), vault, sandboxMode: false, logger: silent });
    expect(await verifyWebhookSecret(db(), legacy)).toBe(true);
  });

  it('replaces a secret stored only as a hash once in sandbox mode, then keeps the new one', async () => {
    const legacy = await createAcceleventsWebhookSecret(db());
    const made = await webhookSecretForStart({ db: db(), vault, sandboxMode: true, logger: silent });
    expect(made).not.toBeNull();
    expect(made).not.toBe(legacy);
    expect(await webhookSecretForStart({ db: db(), vault, sandboxMode: true, logger: silent })).toBe(made);
    expect(await webhookSecretForStart({ db: db(), vault, sandboxMode: false, logger: silent })).toBe(made);
  });

  it('moves the sealed copy to the current data key after a key rotation, keeping the same secret', async () => {
    const made = await keepAcceleventsWebhookSecret(db(), vault);
    await vault.rotate();
    const kid = await vault.currentKeyId();
    expect(await setting(SEALED_WEBHOOK_SECRET_SETTING)).not.toMatch(new RegExp(`^v1\\.${kid}\\.`));
    const kept = await keepAcceleventsWebhookSecret(db(), vault);
    expect(kept).toEqual({ state: 'kept', secret: secretOf(made) });
    expect(await setting(SEALED_WEBHOOK_SECRET_SETTING)).toMatch(new RegExp(`^v1\\.${kid}\\.`));
  });
});

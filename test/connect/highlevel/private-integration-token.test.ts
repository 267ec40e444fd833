/**
 * Connecting a Private Integration Token: the probe (search-conversation, limit 1) against the real
 * sandbox decides, before anything is saved; the token lands in the vault, never in a message.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HighLevelConnectError } from '../../../src/connect/highlevel/connect-error.js';
import { connectPrivateIntegrationToken } from '../../../src/connect/highlevel/private-integration-token.js';
import { createConnectionRepository } from '../../../src/credentials/connection-repository.js';
import type { ConnectionRepository } from '../../../src/credentials/types.js';
import { DEFAULT_FEATURES } from '../../../src/features/feature-names.js';
import { planScopes } from '../../../src/features/scope-planner.js';
import { createLogger } from '../../../src/lib/create-logger.js';
import { openVault } from '../../../src/vault/open-vault.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../../helpers/sandbox.js';

const silent = createLogger({ level: 'silent' });
const plan = planScopes(DEFAULT_FEATURES);

async function failure(promise: Promise<unknown>): Promise<HighLevelConnectError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HighLevelConnectError);
  return error as HighLevelConnectError;
}

describeEachDatabase('connectPrivateIntegrationToken', (getStore) => {
  let sandbox: SandboxHandle;
  let repository: ConnectionRepository;
  let location: string;

  beforeAll(async () => {
    sandbox = await withSandbox({ attendees: 1 });
    location = sandbox.sandbox.defaultLocationId;
    const { db } = getStore();
    repository = createConnectionRepository({
      db,
      vault: await openVault({ db, masterKey: randomBytes(32), logger: silent }),
    });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  const connect = (token: string, extra: { locationId?: string; declaredScopes?: string[] } = {}) =>
    connectPrivateIntegrationToken({
      token,
      locationId: extra.locationId ?? location,
      repository,
      baseUrl: sandbox.url,
      plan,
      logger: silent,
      ...(extra.declaredScopes ? { declaredScopes: extra.declaredScopes } : {}),
    });

  /** Connects a PIT the sandbox issued for the location, with the whitespace a pasted token carries. */
  async function connectIssuedPit() {
    const { accessToken } = sandbox.sandbox.issueToken({ kind: 'pit', locationId: location });
    return { accessToken, ...(await connect(`  ${accessToken}\n`)) };
  }

  it('saves a probed token as a pit connection that never expires, its declared scopes marked unverified', async () => {
    const { connection, extraScopes } = await connectIssuedPit();
    expect(connection).toMatchObject({
      kind: 'pit',
      accountKey: `location:${location}`,
      userType: 'Location',
      locationId: location,
      expiresAt: null,
      status: 'ok',
      scopes: plan.scopes,
      settings: { scopesSource: 'declared' },
    });
    expect(extraScopes).toEqual([]);
  });

  it('stores the token encrypted', async () => {
    const { accessToken, connection } = await connectIssuedPit();
    expect((await repository.readSecrets(connection.id)).accessToken).toBe(accessToken);
    const rows = await getStore().db.selectFrom('connections').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(accessToken);
  });

  /** With no connections stored, connects a token HighLevel does not know. */
  async function connectUnknownPit() {
    for (const c of await repository.list()) await repository.delete(c.id);
    return failure(connect('sbx_pit_not-a-real-token'));
  }

  it('refuses a token HighLevel does not accept with invalid_token', async () => {
    const error = await connectUnknownPit();
    expect(error.code).toBe('invalid_token');
    expect(error.message).toContain('HTTP 401');
  });

  it('never echoes a token HighLevel refused', async () => {
    const error = await connectUnknownPit();
    expect(error.message).not.toContain('sbx_pit_not-a-real-token');
  });

  it('saves nothing for a token HighLevel refused', async () => {
    await connectUnknownPit();
    expect(await repository.list()).toEqual([]);
  });

  it('refuses a token of another location with wrong_location, naming the location', async () => {
    const other = sandbox.sandbox.addLocation({ attendees: 1 }).location.id;
    const { accessToken } = sandbox.sandbox.issueToken({ kind: 'pit', locationId: other });
    const error = await failure(connect(accessToken));
    expect(error.code).toBe('wrong_location');
    expect(error.message).toContain(`cannot act for location ${location}`);
    expect(await repository.list()).toEqual([]);
  });

  it('names the missing scope HighLevel reports with the features that need it', async () => {
    const { accessToken } = sandbox.sandbox.issueToken({
      kind: 'pit',
      locationId: location,
      scopes: ['contacts.write'],
    });
    const error = await failure(connect(accessToken));
    expect(error.code).toBe('missing_scope');
    expect(error.message).toContain('conversations.readonly (needed by');
    expect(error.details.missingScopes).toEqual(['conversations.readonly']);
    expect(error.details.features?.['conversations.readonly']).toContain('agent-console');
  });

  it('refuses declared scopes that leave out a needed scope before calling HighLevel', async () => {
    const calls = JSON.stringify(sandbox.sandbox.stats);
    const error = await failure(
      connect('sbx_pit_unused', { declaredScopes: plan.scopes.filter((s) => s !== 'contacts.write') }),
    );
    expect(error.code).toBe('missing_scope');
    expect(error.message).toContain('contacts.write (needed by registration-welcome');
    expect(JSON.stringify(sandbox.sandbox.stats)).toBe(calls);
  });
});

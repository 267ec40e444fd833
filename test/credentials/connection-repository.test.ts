import { beforeAll, expect, it } from 'vitest';
import { ConnectionError } from '../../src/credentials/connection-error.js';
import type { SaveConnectionInput } from '../../src/credentials/types.js';
import type { Store } from '../../src/store/open-database.js';
import { VaultError } from '../../src/vault/vault-error.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type ConnectionStack, openConnectionStack } from './fixtures/open-connections.js';

const ACCESS = 'at-plaintext-0123456789abcdef';
const REFRESH = 'rt-plaintext-0123456789abcdef';

function oauthInput(overrides: Partial<SaveConnectionInput> = {}): SaveConnectionInput {
  return {
    provider: 'highlevel',
    kind: 'oauth',
    accountKey: 'location:Loc1',
    label: 'Main venue',
    userType: 'Location',
    locationId: 'Loc1',
    companyId: 'Co1',
    scopes: ['conversations.readonly', 'conversations/message.write'],
    expiresAt: 1_900_000_000_000,
    secrets: { accessToken: ACCESS, refreshToken: REFRESH },
    ...overrides,
  };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (e: unknown) => e,
  );
}

describeEachDatabase('connection repository', (getStore: () => Store) => {
  let stack: ConnectionStack;
  beforeAll(async () => {
    stack = await openConnectionStack(getStore(), { baseUrl: 'http://127.0.0.1:9' });
  });

  it('answers the full record of a saved OAuth connection', async () => {
    const saved = await stack.repository.save(
      oauthInput({ accountKey: 'location:RoundTrip', locationId: 'RoundTrip' }),
    );
    expect(saved).toMatchObject({
      provider: 'highlevel',
      kind: 'oauth',
      accountKey: 'location:RoundTrip',
      label: 'Main venue',
      userType: 'Location',
      locationId: 'RoundTrip',
      companyId: 'Co1',
      parentId: null,
      scopes: ['conversations.readonly', 'conversations/message.write'],
      status: 'ok',
      statusReason: null,
      expiresAt: 1_900_000_000_000,
      lastRefreshAt: null,
      refreshFailuresToday: 0,
      settings: {},
      version: 1,
    });
    expect(await stack.repository.get(saved.id)).toEqual(saved);
  });

  it('keeps the secrets out of a saved connection’s record', async () => {
    const saved = await stack.repository.save(oauthInput({ accountKey: 'location:NoSecret', locationId: 'NoSecret' }));
    expect(JSON.stringify(saved)).not.toContain(ACCESS);
    expect(JSON.stringify(saved)).not.toContain(REFRESH);
  });

  it('reads back the secrets of a saved connection', async () => {
    const saved = await stack.repository.save(oauthInput({ accountKey: 'location:Secrets', locationId: 'Secrets' }));
    expect(await stack.repository.readSecrets(saved.id)).toEqual({ accessToken: ACCESS, refreshToken: REFRESH });
  });

  it('stores secrets only as vault envelopes, never as plaintext', async () => {
    const saved = await stack.repository.save(oauthInput({ accountKey: 'location:Raw', locationId: 'Raw' }));
    const row = await getStore()
      .db.selectFrom('connections')
      .selectAll()
      .where('id', '=', saved.id)
      .executeTakeFirstOrThrow();
    expect(row.access_token_enc).toMatch(/^v1\./);
    expect(row.refresh_token_enc).toMatch(/^v1\./);
    expect(row.api_key_enc).toBeNull();
    expect(JSON.stringify(row)).not.toContain(ACCESS);
    expect(JSON.stringify(row)).not.toContain(REFRESH);
  });

  /** Saves `accountKey`, marks it failing, then saves it again with new scopes and secrets. */
  async function reconnect(locationId: string) {
    const accountKey = `location:${locationId}`;
    const first = await stack.repository.save(oauthInput({ accountKey, locationId }));
    await stack.repository.setStatus(first.id, 'needs_reconnect', 'HighLevel rejected the refresh token');
    await getStore()
      .db.updateTable('connections')
      .set({ refresh_failures: 3, refresh_failure_day: new Date().toISOString().slice(0, 10) })
      .where('id', '=', first.id)
      .execute();
    const again = await stack.repository.save(
      oauthInput({
        accountKey,
        locationId,
        scopes: ['conversations.readonly'],
        secrets: { accessToken: 'at-new-0123456789', refreshToken: 'rt-new-0123456789' },
      }),
    );
    return { first, again };
  }

  it('reconnecting the same account keeps its connection', async () => {
    const { first, again } = await reconnect('Again');
    expect(again.id).toBe(first.id);
    expect(again.createdAt).toBe(first.createdAt);
    expect((await stack.repository.list()).filter((c) => c.accountKey === 'location:Again')).toHaveLength(1);
  });

  it('reconnecting the same account bumps the version', async () => {
    const { first, again } = await reconnect('AgainVersion');
    expect(again.version).toBe(first.version + 1);
  });

  it('reconnecting the same account starts it afresh with the new scopes', async () => {
    const { again } = await reconnect('AgainFresh');
    expect(again).toMatchObject({
      status: 'ok',
      statusReason: null,
      refreshFailuresToday: 0,
      scopes: ['conversations.readonly'],
    });
  });

  it('reconnecting the same account replaces its secrets', async () => {
    const { first } = await reconnect('AgainSecrets');
    expect(await stack.repository.readSecrets(first.id)).toEqual({
      accessToken: 'at-new-0123456789',
      refreshToken: 'rt-new-0123456789',
    });
  });

  /** Saves (again, when called twice) the HighLevel location Find and one Accelevents connection. */
  async function saveLocationAndAccelevents() {
    const location = await stack.repository.save(oauthInput({ accountKey: 'location:Find', locationId: 'Find' }));
    const accelevents = await stack.repository.save({
      provider: 'accelevents',
      kind: 'api_key',
      accountKey: 'accelevents:https://api.example.test/rest',
      label: 'Accelevents',
      scopes: [],
      settings: { baseUrl: 'https://api.example.test/rest', readAuth: 'key' },
      secrets: { apiKey: 'ae-key-0123456789' },
    });
    return { location, accelevents };
  }

  it('finds the HighLevel connection of a location', async () => {
    const { location } = await saveLocationAndAccelevents();
    expect((await stack.repository.findHighLevelForLocation('Find'))?.id).toBe(location.id);
    expect(await stack.repository.findHighLevelForLocation('Nowhere')).toBeNull();
  });

  it('finds a connection by account key', async () => {
    const { location } = await saveLocationAndAccelevents();
    expect((await stack.repository.findByAccountKey('location:Find'))?.id).toBe(location.id);
  });

  it('lists connections by provider', async () => {
    const { accelevents } = await saveLocationAndAccelevents();
    const listed = await stack.repository.list({ provider: 'accelevents' });
    expect(listed.map((c) => c.id)).toEqual([accelevents.id]);
  });

  it('keeps what an Accelevents connection was saved with', async () => {
    const { accelevents } = await saveLocationAndAccelevents();
    expect(accelevents.settings).toEqual({ baseUrl: 'https://api.example.test/rest', readAuth: 'key' });
    expect(await stack.repository.readSecrets(accelevents.id)).toEqual({ apiKey: 'ae-key-0123456789' });
  });

  it('refuses a ciphertext moved to another connection: the AAD binds it to its row', async () => {
    const one = await stack.repository.save(oauthInput({ accountKey: 'location:Swap1', locationId: 'Swap1' }));
    const two = await stack.repository.save(
      oauthInput({
        accountKey: 'location:Swap2',
        locationId: 'Swap2',
        secrets: { accessToken: 'other-0123456789', refreshToken: 'other-rt-0123456789' },
      }),
    );
    const db = getStore().db;
    const source = await db
      .selectFrom('connections')
      .select('access_token_enc')
      .where('id', '=', one.id)
      .executeTakeFirstOrThrow();
    await db
      .updateTable('connections')
      .set({ access_token_enc: source.access_token_enc })
      .where('id', '=', two.id)
      .execute();
    const error = await caught(stack.repository.readSecrets(two.id));
    expect(error).toBeInstanceOf(VaultError);
    expect((error as VaultError).code).toBe('decrypt_failed');
    expect(String((error as Error).message)).not.toContain(ACCESS);
  });

  it('sets a status with its reason', async () => {
    const saved = await stack.repository.save(oauthInput({ accountKey: 'location:Status', locationId: 'Status' }));
    await stack.repository.setStatus(saved.id, 'disabled', 'switched off by the organizer');
    expect(await stack.repository.get(saved.id)).toMatchObject({
      status: 'disabled',
      statusReason: 'switched off by the organizer',
    });
  });

  it('deletes a connection', async () => {
    const saved = await stack.repository.save(oauthInput({ accountKey: 'location:Delete', locationId: 'Delete' }));
    await stack.repository.delete(saved.id);
    expect(await stack.repository.get(saved.id)).toBeNull();
  });

  it('answers not_found for the status of a deleted connection', async () => {
    const saved = await stack.repository.save(oauthInput({ accountKey: 'location:Deleted', locationId: 'Deleted' }));
    await stack.repository.delete(saved.id);
    const error = await caught(stack.repository.setStatus(saved.id, 'ok', null));
    expect((error as ConnectionError).code).toBe('not_found');
  });

  it('rejects bad input naming the field, without echoing a secret', async () => {
    const cases: [Partial<SaveConnectionInput>, RegExp][] = [
      [{ provider: 'salesforce' as never }, /provider must be one of highlevel, accelevents/],
      [{ kind: 'api_key' }, /kind must be one of oauth, pit, location_token for provider highlevel/],
      [{ accountKey: 'Loc1' }, /accountKey must be 'location:<id>'/],
      [{ scopes: ['two words'] }, /scopes must be an array of scope names/],
      [{ expiresAt: Number.NaN }, /expiresAt must be epoch milliseconds or null/],
      [{ secrets: { accessToken: ACCESS } }, /secrets\.refreshToken must be a non-empty string for a oauth connection/],
      [
        { kind: 'location_token', secrets: { accessToken: ACCESS } },
        /parentId must be the id of the agency connection/,
      ],
      [
        { kind: 'pit', secrets: { accessToken: ACCESS, refreshToken: REFRESH } },
        /a pit connection has no refresh token/,
      ],
    ];
    for (const [overrides, message] of cases) {
      const error = await caught(stack.repository.save(oauthInput(overrides)));
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as ConnectionError).code).toBe('invalid_input');
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain(ACCESS);
      expect((error as Error).message).not.toContain(REFRESH);
    }
  });
});

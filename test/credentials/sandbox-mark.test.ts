/**
 * Connections made against the sandbox are marked when saved, and a live HighLevel target never calls
 * with one: the token source and location lookups skip them, on both databases. Repositories for both
 * targets share one store, as a parley switched from the sandbox to live does.
 */
import { beforeAll, expect, it } from 'vitest';
import { ConnectionError } from '../../src/credentials/connection-error.js';
import { type ConnectionRecords, createConnectionRepository } from '../../src/credentials/connection-repository.js';
import type { HighLevelTarget } from '../../src/credentials/sandbox-mark.js';
import { createTokenManager, type TokenManager } from '../../src/credentials/token-manager.js';
import type { SaveConnectionInput } from '../../src/credentials/types.js';
import { createHighLevelTokenClient } from '../../src/highlevel/oauth/token-client.js';
import { createLogger } from '../../src/lib/create-logger.js';
import type { Store } from '../../src/store/open-database.js';
import type { Vault } from '../../src/vault/types.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { openConnectionStack } from './fixtures/open-connections.js';

const silent = createLogger({ level: 'silent' });

function pit(locationId: string, token: string): SaveConnectionInput {
  return {
    provider: 'highlevel',
    kind: 'pit',
    accountKey: `location:${locationId}`,
    label: locationId,
    userType: 'Location',
    locationId,
    scopes: ['conversations.readonly'],
    secrets: { accessToken: token },
  };
}

async function caught(promise: Promise<unknown>): Promise<ConnectionError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: ConnectionError) => error,
  );
}

describeEachDatabase('sandbox connections under each HighLevel target', (getStore: () => Store) => {
  let vault: Vault;
  const layer = (target: HighLevelTarget | undefined): { repository: ConnectionRecords; tokens: TokenManager } => {
    const store = getStore();
    const repository = createConnectionRepository({ db: store.db, vault, ...(target ? { target } : {}) });
    const tokenClient = createHighLevelTokenClient({ baseUrl: 'http://127.0.0.1:9', clientId: 'c', clientSecret: 's' });
    const tokens = createTokenManager({ store, repository, tokenClient, marginMs: 60_000, logger: silent });
    return { repository, tokens };
  };

  beforeAll(async () => {
    vault = (await openConnectionStack(getStore(), { baseUrl: 'http://127.0.0.1:9' })).vault;
  });

  it('marks only the HighLevel connections a sandbox-target repository saves', async () => {
    const sandbox = layer('sandbox').repository;
    const highlevel = await sandbox.save(pit('MarkSbx', 'tok-mark-sbx'));
    const accelevents = await sandbox.save({
      provider: 'accelevents',
      kind: 'api_key',
      accountKey: 'accelevents:https://mark.example.test/rest',
      label: 'events',
      scopes: [],
      settings: { eventUrl: 'demo' },
      secrets: { apiKey: 'ae-mark-key' },
    });
    const unset = await layer(undefined).repository.save(pit('MarkNone', 'tok-mark-none'));
    const live = await layer('live').repository.save(pit('MarkLive', 'tok-mark-live'));
    expect(highlevel.settings).toEqual({ sandbox: true });
    expect(accelevents.settings).toEqual({ eventUrl: 'demo' });
    expect(unset.settings).toEqual({});
    expect(live.settings).toEqual({});
  });

  it("skips a sandbox connection in a live target's token source, saying why the location has none", async () => {
    await layer('sandbox').repository.save(pit('SkipSbx', 'tok-skip-sbx'));
    const live = layer('live');
    expect(await live.repository.findHighLevelForLocation('SkipSbx')).toBeNull();
    const error = await caught(
      live.tokens.tokenSource().getAccessToken({ locationId: 'SkipSbx', forceRefresh: false }),
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.code).toBe('no_connection');
    expect(error.message).toContain(
      'No HighLevel connection for location SkipSbx (its connection was made against the sandbox, which the live target ignores)',
    );
  });

  it('calls with a sandbox connection when the target is the sandbox', async () => {
    await layer('sandbox').repository.save(pit('UseSbx', 'tok-use-sbx'));
    const token = await layer('sandbox')
      .tokens.tokenSource()
      .getAccessToken({ locationId: 'UseSbx', forceRefresh: false });
    expect(token).toBe('tok-use-sbx');
  });

  it("leaves a sandbox connection out of a live target's callable listing, while a plain listing shows it", async () => {
    const sandboxMade = await layer('sandbox').repository.save(pit('ListSbx', 'tok-list-sbx'));
    const { repository } = layer('live');
    const liveMade = await repository.save(pit('ListLive', 'tok-list-live'));
    const ids = async (filter: { callable?: boolean }) =>
      (await repository.list({ provider: 'highlevel', ...filter })).map((c) => c.id);
    expect(await ids({})).toEqual(expect.arrayContaining([sandboxMade.id, liveMade.id]));
    expect(await ids({ callable: true })).toContain(liveMade.id);
    expect(await ids({ callable: true })).not.toContain(sandboxMade.id);
  });

  it('uses the location again once it is reconnected under the live target', async () => {
    await layer('sandbox').repository.save(pit('Reconnect', 'tok-reconnect-sbx'));
    const live = layer('live');
    const saved = await live.repository.save(pit('Reconnect', 'tok-reconnect-live'));
    expect(saved.settings).toEqual({});
    const token = await live.tokens.tokenSource().getAccessToken({ locationId: 'Reconnect', forceRefresh: false });
    expect(token).toBe('tok-reconnect-live');
  });
});

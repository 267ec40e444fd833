/**
 * Connection records on SQLite or PostgreSQL. Secrets go in only as vault envelopes,
 * bound to their row and column by the AAD (secret-cipher.ts); records coming out never carry them
 * (connection-row.ts). `save` of an accountKey that exists is a reconnect: same id, new secrets,
 * status back to 'ok', failures reset, version bumped, so a refresh still holding the old version
 * cannot overwrite it (token-rows.ts).
 *
 * No vault call happens inside a transaction here: on SQLite the store has one connection, and a
 * vault that reads its key table would wait for the transaction holding it.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import type { Vault } from '../vault/types.js';
import { checkSaveInput } from './check-save-input.js';
import { ConnectionError } from './connection-error.js';
import { PUBLIC_COLUMNS, type PublicRow, toConnection } from './connection-row.js';
import { callableFor, type HighLevelTarget, settingsForTarget } from './sandbox-mark.js';
import { createSecretCipher, type SecretCipher } from './secret-cipher.js';
import type { Connection, ConnectionRepository, ConnectionSecrets, SaveConnectionInput } from './types.js';

export interface ConnectionRepositoryOptions {
  db: Kysely<Database>;
  vault: Vault;
  now?: () => number;
  newId?: () => string;
  /**
   * The configured HighLevel target (config `highlevel.target`). 'sandbox': HighLevel connections
   * saved are marked as sandbox ones; 'live': lookups for calls skip marked ones (sandbox-mark.ts).
   * Unset: no marking and no skipping.
   */
  target?: HighLevelTarget;
}

/** The repository plus what the token manager needs to write refreshed tokens through the same vault. */
export interface ConnectionRecords extends ConnectionRepository {
  readonly db: Kysely<Database>;
  readonly secrets: SecretCipher;
  readonly now: () => number;
}

/** A concurrent save of the same accountKey, or a delete in between, makes us look again; never more. */
const SAVE_ATTEMPTS = 3;

export function createConnectionRepository(options: ConnectionRepositoryOptions): ConnectionRecords {
  if (!options?.db) throw new TypeError('createConnectionRepository: `db` (a Kysely<Database>) is required');
  const { db } = options;
  const secrets = createSecretCipher(options.vault);
  const now = options.now ?? Date.now;
  const newId = options.newId ?? (() => `conn_${randomUUID()}`);
  const { target } = options;

  const select = () => db.selectFrom('connections').select(PUBLIC_COLUMNS);
  const one = (row: PublicRow | undefined) => (row ? toConnection(row, now()) : null);

  async function get(id: string): Promise<Connection | null> {
    return one(await select().where('id', '=', id).executeTakeFirst());
  }

  async function sealSecrets(id: string, input: ConnectionSecrets) {
    const seal = (column: Parameters<SecretCipher['encrypt']>[1], value: string | undefined) =>
      value === undefined ? Promise.resolve(null) : secrets.encrypt(id, column, value);
    const [access, refresh, apiKey] = await Promise.all([
      seal('access_token_enc', input.accessToken),
      seal('refresh_token_enc', input.refreshToken),
      seal('api_key_enc', input.apiKey),
    ]);
    return { access_token_enc: access, refresh_token_enc: refresh, api_key_enc: apiKey };
  }

  async function saveOnce(input: SaveConnectionInput): Promise<Connection | null> {
    const existing = await db
      .selectFrom('connections')
      .select(['id', 'version'])
      .where('account_key', '=', input.accountKey)
      .executeTakeFirst();
    const id = existing?.id ?? newId();
    const at = now();
    const values = {
      provider: input.provider,
      kind: input.kind,
      label: input.label,
      user_type: input.userType ?? null,
      location_id: input.locationId ?? null,
      company_id: input.companyId ?? null,
      parent_id: input.parentId ?? null,
      scopes: input.scopes.join(' '),
      status: 'ok' as const,
      status_reason: null,
      expires_at: input.expiresAt ?? null,
      refresh_failures: 0,
      refresh_failure_day: null,
      settings: JSON.stringify(settingsForTarget(target, input.provider, input.settings)),
      updated_at: at,
      ...(await sealSecrets(id, input.secrets)),
    };
    if (existing) {
      const result = await db
        .updateTable('connections')
        .set((eb) => ({ ...values, version: eb('version', '+', 1) }))
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1 ? get(id) : null;
    }
    try {
      await db
        .insertInto('connections')
        .values({ ...values, id, account_key: input.accountKey, version: 1, created_at: at, last_refresh_at: null })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
    return get(id);
  }

  return {
    db,
    secrets,
    now,

    async save(input) {
      checkSaveInput(input);
      for (let attempt = 1; attempt <= SAVE_ATTEMPTS; attempt++) {
        const saved = await saveOnce(input);
        if (saved) return saved;
      }
      throw new ConnectionError(
        'invalid_input',
        `save connection: ${input.accountKey} kept changing under concurrent saves; try again`,
      );
    },

    get,

    async list(filter = {}) {
      let query = select().orderBy('created_at').orderBy('id');
      if (filter.provider) query = query.where('provider', '=', filter.provider);
      const all = (await query.execute()).map((row) => toConnection(row, now()));
      return filter.callable ? all.filter((c) => callableFor(target, c)) : all;
    },

    async findHighLevelForLocation(locationId) {
      const rows = await select()
        .where('provider', '=', 'highlevel')
        .where('location_id', '=', locationId)
        .where('kind', 'in', ['oauth', 'pit', 'location_token'])
        // One per location by the unique `location:<id>` account key; prefer that one if rows disagree.
        .orderBy((eb) => eb.case().when('account_key', '=', `location:${locationId}`).then(0).else(1).end())
        .orderBy('updated_at', 'desc')
        .execute();
      // The lookup serves calls: a live target never calls with a sandbox connection.
      return rows.map((row) => toConnection(row, now())).find((c) => callableFor(target, c)) ?? null;
    },

    async findByAccountKey(accountKey) {
      return one(await select().where('account_key', '=', accountKey).executeTakeFirst());
    },

    async readSecrets(id) {
      const row = await db
        .selectFrom('connections')
        .select(['access_token_enc', 'refresh_token_enc', 'api_key_enc'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw new ConnectionError('not_found', `No connection with id ${id}`, { connectionId: id });
      const [accessToken, refreshToken, apiKey] = await Promise.all([
        secrets.decrypt(id, 'access_token_enc', row.access_token_enc),
        secrets.decrypt(id, 'refresh_token_enc', row.refresh_token_enc),
        secrets.decrypt(id, 'api_key_enc', row.api_key_enc),
      ]);
      const out: ConnectionSecrets = {};
      if (accessToken !== null) out.accessToken = accessToken;
      if (refreshToken !== null) out.refreshToken = refreshToken;
      if (apiKey !== null) out.apiKey = apiKey;
      return out;
    },

    async setStatus(id, status, reason) {
      if (!['ok', 'needs_reconnect', 'disabled'].includes(status)) {
        throw new ConnectionError(
          'invalid_input',
          `setStatus: status must be ok, needs_reconnect or disabled, got ${status}`,
        );
      }
      const result = await db
        .updateTable('connections')
        .set({ status, status_reason: reason, updated_at: now() })
        .where('id', '=', id)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) {
        throw new ConnectionError('not_found', `No connection with id ${id}`, { connectionId: id });
      }
    },

    async delete(id) {
      await db.deleteFrom('connections').where('id', '=', id).execute();
    },
  };
}

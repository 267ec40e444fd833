/**
 * OAuth `state` values for the HighLevel install flow (CSRF protection, RFC 6749 §10.12): 32 random
 * bytes handed to the browser, stored only as their SHA-256 hash, single-use and valid 10 minutes
 * (the same lifetime HighLevel-style authorization codes get, RFC 6749 §4.1.2). Each remembers the
 * redirect URI and scopes it was created for, because the code exchange must repeat the redirect URI
 * and the callback checks the granted scopes against the requested ones.
 *
 * Consuming is one conditional UPDATE, so two callbacks racing with the same state cannot both win,
 * on SQLite or PostgreSQL, in one process or several.
 */
import { createHash, randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';

export const STATE_TTL_MS = 10 * 60_000;
const STATE_BYTES = 32;
const PURGE_AFTER_MS = 24 * 60 * 60_000;
const PROVIDER = 'highlevel';

export interface OAuthStateStoreOptions {
  db: Kysely<Database>;
  now?: () => number;
  randomBytes?: (size: number) => Buffer;
}

export interface CreatedState {
  /** The value for the consent URL's `state`; never stored. */
  state: string;
  expiresAt: number;
}

export type ConsumedState =
  | { ok: true; redirectUri: string; scopes: string[] }
  | { ok: false; reason: 'missing' | 'unknown' | 'used' | 'expired' };

export interface OAuthStateStore {
  create(input: { redirectUri: string; scopes: readonly string[] }): Promise<CreatedState>;
  consume(state: string | undefined): Promise<ConsumedState>;
  /** Whether a state was consumed (a callback ran for it), without consuming it. */
  wasUsed(state: string): Promise<boolean>;
}

export const hashState = (state: string) => createHash('sha256').update(state, 'utf8').digest('hex');

export function createOAuthStateStore(options: OAuthStateStoreOptions): OAuthStateStore {
  if (!options?.db) throw new TypeError('createOAuthStateStore: options.db (the Kysely database) is required');
  const { db } = options;
  const now = options.now ?? Date.now;
  const randomBytes = options.randomBytes ?? cryptoRandomBytes;

  return {
    async create({ redirectUri, scopes }) {
      const state = randomBytes(STATE_BYTES).toString('base64url');
      const createdAt = now();
      const expiresAt = createdAt + STATE_TTL_MS;
      // Housekeeping: states a day past expiry can only ever answer "unknown" instead of "expired".
      await db
        .deleteFrom('oauth_states')
        .where('expires_at', '<', createdAt - PURGE_AFTER_MS)
        .execute();
      await db
        .insertInto('oauth_states')
        .values({
          state_hash: hashState(state),
          provider: PROVIDER,
          redirect_uri: redirectUri,
          scopes: scopes.join(' '),
          created_at: createdAt,
          expires_at: expiresAt,
        })
        .execute();
      return { state, expiresAt };
    },

    async consume(state) {
      if (!state) return { ok: false, reason: 'missing' };
      const stateHash = hashState(state);
      const at = now();
      const row = await db
        .updateTable('oauth_states')
        .set({ used_at: at })
        .where('state_hash', '=', stateHash)
        .where('provider', '=', PROVIDER)
        .where('used_at', 'is', null)
        .where('expires_at', '>', at)
        .returning(['redirect_uri', 'scopes'])
        .executeTakeFirst();
      if (row) return { ok: true, redirectUri: row.redirect_uri, scopes: row.scopes.split(' ').filter(Boolean) };
      // Lost the update: say why, for the page the user sees.
      const existing = await db
        .selectFrom('oauth_states')
        .select(['used_at', 'expires_at'])
        .where('state_hash', '=', stateHash)
        .where('provider', '=', PROVIDER)
        .executeTakeFirst();
      if (!existing) return { ok: false, reason: 'unknown' };
      return { ok: false, reason: existing.used_at !== null ? 'used' : 'expired' };
    },

    async wasUsed(state) {
      const row = await db
        .selectFrom('oauth_states')
        .select('used_at')
        .where('state_hash', '=', hashState(state))
        .executeTakeFirst();
      return row?.used_at != null;
    },
  };
}

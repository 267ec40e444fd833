/**
 * OAuth `state` values for the HighLevel install flow (CSRF protection, RFC 6749 §10.12): 32 random
 * bytes handed to the browser, stored only as their SHA-256 hash, single-use and valid 10 minutes
 * (the same lifetime HighLevel-style authorization codes get, RFC 6749 §4.1.2). Each remembers the
 * redirect URI and scopes it was created for, because the code exchange must repeat the redirect URI
 * and the callback checks the granted scopes against the requested ones.
 *
 * A state started from the console belongs to that admin's session (the SHA-256 of its id is stored
 * with it) and is consumed only by a callback from the same session, so nobody can lure an admin's
 * browser into completing an install they started (RFC 6749 §10.12's login CSRF). One started by
 * `parley connect highlevel` (the operator on the server) belongs to no session.
 *
 * Consuming is one conditional UPDATE, so two callbacks racing with the same state cannot both win,
 * on SQLite or PostgreSQL, in one process or several.
 */
import { createHash, randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { sha256Hex } from '../../console/auth/secret-tokens.js';
import type { Database } from '../../store/schema.js';

export const STATE_TTL_MS = 10 * 60_000;
const STATE_BYTES = 32;
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

/** Who an install belongs to: the console session that started it, or the operator's CLI on the server. */
export type StateOwner = { sessionId: string } | 'operator';

export type ConsumedState =
  | { ok: true; redirectUri: string; scopes: string[] }
  | { ok: false; reason: 'missing' | 'unknown' | 'used' | 'expired' | 'no_session' | 'other_session' };

export interface OAuthStateStore {
  create(input: { redirectUri: string; scopes: readonly string[]; owner: StateOwner }): Promise<CreatedState>;
  /** `sessionIds`: the live console sessions the callback came with (none: only operator states pass). */
  consume(state: string | undefined, from?: { sessionIds: readonly string[] }): Promise<ConsumedState>;
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
    async create({ redirectUri, scopes, owner }) {
      if (owner !== 'operator' && !owner?.sessionId) {
        throw new TypeError('OAuth state owner must be { sessionId } of a console session, or "operator"');
      }
      const state = randomBytes(STATE_BYTES).toString('base64url');
      const createdAt = now();
      const expiresAt = createdAt + STATE_TTL_MS;
      // An expired state can never complete an install; every start clears them out.
      await db.deleteFrom('oauth_states').where('expires_at', '<=', createdAt).execute();
      await db
        .insertInto('oauth_states')
        .values({
          state_hash: hashState(state),
          provider: PROVIDER,
          redirect_uri: redirectUri,
          scopes: scopes.join(' '),
          created_at: createdAt,
          expires_at: expiresAt,
          session_sha256: owner === 'operator' ? null : sha256Hex(owner.sessionId),
        })
        .execute();
      return { state, expiresAt };
    },

    async consume(state, from = { sessionIds: [] }) {
      if (!state) return { ok: false, reason: 'missing' };
      const stateHash = hashState(state);
      const sessions = [...new Set(from.sessionIds)].map(sha256Hex);
      const at = now();
      const row = await db
        .updateTable('oauth_states')
        .set({ used_at: at })
        .where('state_hash', '=', stateHash)
        .where('provider', '=', PROVIDER)
        .where('used_at', 'is', null)
        .where('expires_at', '>', at)
        .where((eb) =>
          sessions.length === 0
            ? eb('session_sha256', 'is', null)
            : eb.or([eb('session_sha256', 'is', null), eb('session_sha256', 'in', sessions)]),
        )
        .returning(['redirect_uri', 'scopes'])
        .executeTakeFirst();
      if (row) return { ok: true, redirectUri: row.redirect_uri, scopes: row.scopes.split(' ').filter(Boolean) };
      // Lost the update: say why, for the page the user sees. A refused session leaves the state unused.
      const existing = await db
        .selectFrom('oauth_states')
        .select(['used_at', 'expires_at'])
        .where('state_hash', '=', stateHash)
        .where('provider', '=', PROVIDER)
        .executeTakeFirst();
      if (!existing) return { ok: false, reason: 'unknown' };
      if (existing.used_at !== null) return { ok: false, reason: 'used' };
      if (Number(existing.expires_at) <= at) return { ok: false, reason: 'expired' };
      return { ok: false, reason: sessions.length === 0 ? 'no_session' : 'other_session' };
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

/**
 * Looking after issued API tokens: list a user's (never the token itself, which is not stored),
 * revoke one by its id or by the token, and read a lifetime such as `30d` for `--expires`.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { AuthError } from './auth-error.js';
import { API_TOKEN_PREFIX, sha256Hex } from './secret-tokens.js';

export type TokenState = 'active' | 'revoked' | 'expired';

export interface TokenSummary {
  id: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
  state: TokenState;
}

export async function listApiTokens(db: Kysely<Database>, userId: string, now: number): Promise<TokenSummary[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'created_at', 'last_used_at', 'expires_at', 'revoked_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map((row) => {
    const expiresAt = row.expires_at === null ? null : Number(row.expires_at);
    const revokedAt = row.revoked_at === null ? null : Number(row.revoked_at);
    const state: TokenState =
      revokedAt !== null ? 'revoked' : expiresAt !== null && expiresAt <= now ? 'expired' : 'active';
    return {
      id: row.id,
      name: row.name,
      createdAt: Number(row.created_at),
      lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
      expiresAt,
      revokedAt,
      state,
    };
  });
}

export interface RevokedToken {
  id: string;
  name: string;
  email: string;
  /** False when it had already been revoked. */
  revoked: boolean;
}

/**
 * Revokes a token named by its id or by the token itself (`pk_…`, looked up by digest), optionally only
 * if it belongs to `userId` (the console's per-user route); `token_not_found` otherwise.
 */
export async function revokeToken(
  db: Kysely<Database>,
  tokenOrId: string,
  now: number,
  options: { userId?: string } = {},
): Promise<RevokedToken> {
  const ref = tokenOrId.trim();
  const bySecret = ref.startsWith(API_TOKEN_PREFIX);
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(['api_tokens.id', 'api_tokens.name', 'api_tokens.revoked_at', 'users.email'])
    .where(bySecret ? 'api_tokens.token_sha256' : 'api_tokens.id', '=', bySecret ? sha256Hex(ref) : ref)
    .$if(options.userId !== undefined, (qb) => qb.where('api_tokens.user_id', '=', options.userId as string))
    .executeTakeFirst();
  // Never echo what was given: it may be the secret token itself.
  if (row === undefined) throw new AuthError('token_not_found', 'no API token with that id or value');
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('id', '=', row.id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return { id: row.id, name: row.name, email: row.email, revoked: Number(result.numUpdatedRows) > 0 };
}

const UNIT_MS = { m: 60_000, h: 60 * 60_000, d: 24 * 60 * 60_000, w: 7 * 24 * 60 * 60_000 } as const;

/** `30d`, `12h`, `90m`, `2w` → milliseconds. */
export function parseTokenLifetime(text: string): number {
  const match = /^(\d{1,6})([mhdw])$/.exec(text.trim());
  const amount = Number(match?.[1]);
  if (match === null || amount <= 0) {
    throw new AuthError(
      'invalid_duration',
      `expires must be a whole number and a unit (m minutes, h hours, d days, w weeks), e.g. 30d or 12h; got "${text}"`,
    );
  }
  return amount * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

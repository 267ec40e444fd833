/**
 * Who is calling: an API token (`Authorization: Bearer pk_…`) or a session cookie. A disabled user,
 * a revoked or expired token and an expired session all resolve to nobody. A request that sends an Authorization
 * header is judged by it alone, never by a cookie that happens to ride along. Resolving never writes:
 * a token's last use is noted and written later, so reads keep working while the database is write-locked.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { Role } from './roles.js';
import { sameDigest, sha256Hex } from './secret-tokens.js';
import { readSessionCookie } from './session-cookie.js';
import type { TokenUseRecorder } from './token-use-recorder.js';

export interface Caller {
  userId: string;
  email: string;
  role: Role;
  via: 'token' | 'session';
  /** For session callers: the id from the cookie (logout) and the digest the CSRF header must match. */
  sessionId?: string;
  csrfTokenSha256?: string;
  /** For token callers: the token's row id (logout revokes it). */
  tokenId?: string;
}

export type Resolution = { caller: Caller } | { caller: null; reason: 'none' | 'invalid' };

export async function resolveCaller(
  db: Kysely<Database>,
  headers: { authorization?: string | undefined; cookie?: string | undefined },
  now: number,
  /** Where a token's use is noted (token-use-recorder.ts); resolving itself only reads. */
  tokenUses?: Pick<TokenUseRecorder, 'record'>,
): Promise<Resolution> {
  if (headers.authorization !== undefined) {
    const match = /^Bearer\s+(pk_\S+)$/i.exec(headers.authorization.trim());
    if (match?.[1] === undefined) return { caller: null, reason: 'invalid' };
    const resolution = await byToken(db, match[1], now);
    if (resolution.caller?.tokenId !== undefined) tokenUses?.record(resolution.caller.tokenId, now);
    return resolution;
  }
  const sessionId = readSessionCookie(headers.cookie);
  if (sessionId === undefined) return { caller: null, reason: 'none' };
  return resolveSession(db, sessionId, now);
}

async function byToken(db: Kysely<Database>, token: string, now: number): Promise<Resolution> {
  const digest = sha256Hex(token);
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(['api_tokens.id as token_id', 'api_tokens.token_sha256', 'users.id', 'users.email', 'users.role'])
    .where('api_tokens.token_sha256', '=', digest)
    .where('api_tokens.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('api_tokens.expires_at', 'is', null), eb('api_tokens.expires_at', '>', now)]))
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst();
  // The lookup is by digest; the constant-time check guards against any collation surprise in the index.
  if (row === undefined || !sameDigest(row.token_sha256, digest)) return { caller: null, reason: 'invalid' };
  return { caller: { userId: row.id, email: row.email, role: row.role, via: 'token', tokenId: row.token_id } };
}

/** The caller a session id belongs to, if the session is live and its user enabled. */
export async function resolveSession(db: Kysely<Database>, sessionId: string, now: number): Promise<Resolution> {
  const digest = sha256Hex(sessionId);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.id_sha256', 'sessions.csrf_token_sha256', 'users.id', 'users.email', 'users.role'])
    .where('sessions.id_sha256', '=', digest)
    .where('sessions.expires_at', '>', now)
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst();
  if (row === undefined || !sameDigest(row.id_sha256, digest)) return { caller: null, reason: 'invalid' };
  return {
    caller: {
      userId: row.id,
      email: row.email,
      role: row.role,
      via: 'session',
      sessionId,
      csrfTokenSha256: row.csrf_token_sha256,
    },
  };
}

/**
 * Login rate limiting: at most 5 failed attempts per email and 20 per IP in any 15 minutes (OWASP
 * Authentication Cheat Sheet, "Login Throttling"). Failures are rows in `login_failures`, so the limit
 * holds across every parley process sharing the database.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';

export const LOGIN_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_IP = 20;

/** Seconds until another attempt is allowed, or null when one is allowed now. */
export async function loginRetryAfter(
  db: Kysely<Database>,
  key: { email: string; ip: string },
  now: number,
): Promise<number | null> {
  const since = now - LOGIN_WINDOW_MS;
  const waits = await Promise.all([
    waitFor(db, 'email', key.email, MAX_FAILURES_PER_EMAIL, since, now),
    waitFor(db, 'ip', key.ip, MAX_FAILURES_PER_IP, since, now),
  ]);
  const blocking = waits.filter((wait): wait is number => wait !== null);
  return blocking.length === 0 ? null : Math.max(...blocking);
}

async function waitFor(
  db: Kysely<Database>,
  column: 'email' | 'ip',
  value: string,
  limit: number,
  since: number,
  now: number,
): Promise<number | null> {
  // The limit-th newest failure in the window: once it ages out, fewer than `limit` remain.
  const row = await db
    .selectFrom('login_failures')
    .select('at')
    .where(column, '=', value)
    .where('at', '>', since)
    .orderBy('at', 'desc')
    .offset(limit - 1)
    .limit(1)
    .executeTakeFirst();
  if (row === undefined) return null;
  return Math.max(1, Math.ceil((Number(row.at) + LOGIN_WINDOW_MS - now) / 1000));
}

export async function recordLoginFailure(
  db: Kysely<Database>,
  key: { email: string; ip: string },
  now: number,
): Promise<void> {
  await db.insertInto('login_failures').values({ id: randomUUID(), email: key.email, ip: key.ip, at: now }).execute();
  // Rows older than the window never count again.
  await db
    .deleteFrom('login_failures')
    .where('at', '<=', now - LOGIN_WINDOW_MS)
    .execute();
}

/** A correct password clears that email's failures (its IP's failures stay counted). */
export async function clearLoginFailures(db: Kysely<Database>, email: string): Promise<void> {
  await db.deleteFrom('login_failures').where('email', '=', email).execute();
}

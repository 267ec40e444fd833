/**
 * Login rate limiting: at most 5 attempts per email and 20 per IP are judged in a 15-minute window
 * (OWASP Authentication Cheat Sheet, "Login Throttling"). An attempt is reserved before the password
 * hash runs, with one atomic upsert per counter (insert … on conflict do update … returning), so
 * parallel guesses are counted one by one however they interleave, on SQLite and PostgreSQL alike,
 * in one process or several sharing the database. What is not judged gives its slots back: a refused
 * attempt both of them, a correct password its IP slot (and it clears the email's counter), so only
 * wrong passwords and attempts in flight hold an email or an IP back.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../store/schema.js';

export const LOGIN_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_IP = 20;

export interface LoginKey {
  email: string;
  ip: string;
}

/** The windows a reserved attempt was counted in (to give its slots back), or the seconds to wait. */
export type Reservation =
  | { allowed: true; emailWindow: number; ipWindow: number }
  | { allowed: false; retryAfterSeconds: number };

export async function reserveLoginAttempt(db: Kysely<Database>, key: LoginKey, now: number): Promise<Reservation> {
  const [email, ip] = await Promise.all([bump(db, 'email', key.email, now), bump(db, 'ip', key.ip, now)]);
  const waits = [
    email.attempts > MAX_FAILURES_PER_EMAIL ? secondsLeft(email.windowStartedAt, now) : null,
    ip.attempts > MAX_FAILURES_PER_IP ? secondsLeft(ip.windowStartedAt, now) : null,
  ].filter((wait): wait is number => wait !== null);
  if (waits.length === 0) return { allowed: true, emailWindow: email.windowStartedAt, ipWindow: ip.windowStartedAt };
  // Never judged, so it holds nothing back: an attacker's refused requests do not lock out the rest of an office.
  await Promise.all([
    giveBack(db, 'email', key.email, email.windowStartedAt),
    giveBack(db, 'ip', key.ip, ip.windowStartedAt),
  ]);
  return { allowed: false, retryAfterSeconds: Math.max(...waits) };
}

/** One statement: a new window starts at 1 when the old one has passed, else the count goes up by 1. */
async function bump(
  db: Kysely<Database>,
  scope: 'email' | 'ip',
  subject: string,
  now: number,
): Promise<{ attempts: number; windowStartedAt: number }> {
  const expiredBefore = now - LOGIN_WINDOW_MS;
  const row = await db
    .insertInto('login_attempts')
    .values({ scope, subject, window_started_at: now, attempts: 1 })
    .onConflict((conflict) =>
      conflict.columns(['scope', 'subject']).doUpdateSet({
        attempts: sql<number>`case when login_attempts.window_started_at <= ${expiredBefore} then 1 else login_attempts.attempts + 1 end`,
        window_started_at: sql<number>`case when login_attempts.window_started_at <= ${expiredBefore} then ${now} else login_attempts.window_started_at end`,
      }),
    )
    .returning(['attempts', 'window_started_at'])
    .executeTakeFirstOrThrow();
  return { attempts: Number(row.attempts), windowStartedAt: Number(row.window_started_at) };
}

function secondsLeft(windowStartedAt: number, now: number): number {
  return Math.max(1, Math.ceil((windowStartedAt + LOGIN_WINDOW_MS - now) / 1000));
}

/** After a correct password: the email starts afresh and the IP gets its slot back. */
export async function settleSuccessfulLogin(
  db: Kysely<Database>,
  key: LoginKey,
  reservation: { ipWindow: number },
): Promise<void> {
  await clearLoginThrottle(db, key.email);
  await giveBack(db, 'ip', key.ip, reservation.ipWindow);
}

/** Only within the window the slot was taken from: a new window has already forgotten it. */
async function giveBack(db: Kysely<Database>, scope: 'email' | 'ip', subject: string, window: number): Promise<void> {
  await db
    .updateTable('login_attempts')
    .set({ attempts: sql<number>`attempts - 1` })
    .where('scope', '=', scope)
    .where('subject', '=', subject)
    .where('window_started_at', '=', window)
    .where('attempts', '>', 0)
    .execute();
}

/** Counters whose window has passed count for nothing; dropping them keeps the table small without a sweeper. */
export async function forgetPassedWindows(db: Kysely<Database>, now: number): Promise<void> {
  await db
    .deleteFrom('login_attempts')
    .where('window_started_at', '<=', now - LOGIN_WINDOW_MS)
    .execute();
}

/** Lifts the throttling on an email (`parley users unlock`, the console's Users page); true when there was any. */
export async function clearLoginThrottle(db: Kysely<Database>, email: string): Promise<boolean> {
  const result = await db
    .deleteFrom('login_attempts')
    .where('scope', '=', 'email')
    .where('subject', '=', email)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Emails that may not sign in now, each with when that ends (epoch ms). */
export async function lockedEmails(db: Kysely<Database>, now: number): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('login_attempts')
    .select(['subject', 'window_started_at'])
    .where('scope', '=', 'email')
    .where('attempts', '>=', MAX_FAILURES_PER_EMAIL)
    .where('window_started_at', '>', now - LOGIN_WINDOW_MS)
    .execute();
  return new Map(rows.map((row) => [row.subject, Number(row.window_started_at) + LOGIN_WINDOW_MS]));
}

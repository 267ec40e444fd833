/**
 * How far each event's sessions have been followed up, kept in `settings`
 * (`session-followups.watermark.<eventUrl>`, JSON `{ through, active }`), so a start, a restart or a
 * switch-on never messages attendees about sessions that ended before follow-ups were running:
 *
 * - no row, or a row left `active: false` (follow-ups were off, or the event was not polled): the next
 *   active poll only records its own time, and sessions ending after it are followed up;
 * - an active row: sessions that ended after `through` and by now are followed up, then `through` moves on.
 *
 * A session is announced once whatever the watermark says: its job's dedupe key does that.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';

export const WATERMARK_PREFIX = 'session-followups.watermark.';

export interface SessionWatermark {
  /** Sessions that ended at or before this instant (epoch ms) are never followed up. */
  through: number;
  /** False while follow-ups are off for the event; the next active poll starts afresh. */
  active: boolean;
}

function parse(value: string): SessionWatermark | null {
  try {
    const parsed = JSON.parse(value) as Partial<SessionWatermark>;
    if (typeof parsed.through === 'number' && Number.isFinite(parsed.through) && typeof parsed.active === 'boolean') {
      return { through: parsed.through, active: parsed.active };
    }
  } catch {}
  return null;
}

export async function readWatermark(db: Kysely<Database>, eventUrl: string): Promise<SessionWatermark | null> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', WATERMARK_PREFIX + eventUrl)
    .executeTakeFirst();
  // An unreadable row is treated as absent: starting afresh can skip a session, never blast a backlog.
  return row ? parse(row.value) : null;
}

export async function writeWatermark(
  db: Kysely<Database>,
  eventUrl: string,
  mark: SessionWatermark,
  now: number,
): Promise<void> {
  const value = JSON.stringify(mark);
  await db
    .insertInto('settings')
    .values({ key: WATERMARK_PREFIX + eventUrl, value, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
    .execute();
}

/**
 * Marks every event's watermark paused except `polled`'s: an event dropped from the config (or its
 * `sessionsPoll` turned off) starts afresh if it comes back, instead of catching up on what it missed.
 */
export async function pauseOtherWatermarks(
  db: Kysely<Database>,
  polled: readonly string[],
  now: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('settings')
    .select(['key', 'value'])
    .where('key', 'like', `${WATERMARK_PREFIX}%`)
    .execute();
  const paused: string[] = [];
  for (const row of rows) {
    const eventUrl = row.key.slice(WATERMARK_PREFIX.length);
    const mark = parse(row.value);
    if (polled.includes(eventUrl) || mark?.active === false) continue;
    await writeWatermark(db, eventUrl, { through: mark?.through ?? now, active: false }, now);
    paused.push(eventUrl);
  }
  return paused;
}

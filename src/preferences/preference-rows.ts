/**
 * Answers in the `preferences` table: the matched value under the question's key and the attendee's
 * own words under `<key>.raw` (question.ts rawKeyOf), one row each per (location, contact, key), a
 * later answer replacing an earlier one. An answer that matched nothing keeps only its raw text, so
 * a value is never a placeholder like "unparsed" (the value older versions stored; read as none).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { rawKeyOf } from './question.js';

/** What versions before the question block stored as the value of an answer they could not read. */
export const LEGACY_UNPARSED = 'unparsed';

export interface AnswerToSave {
  locationId: string;
  contactId: string;
  key: string;
  /** Null when the answer matched no option: only the raw text is stored. */
  value: string | null;
  raw: string;
  now: number;
}

export async function saveAnswer(db: Kysely<Database>, answer: AnswerToSave): Promise<void> {
  const rows = [
    ...(answer.value === null ? [] : [{ key: answer.key, value: answer.value }]),
    { key: rawKeyOf(answer.key), value: answer.raw },
  ];
  await db.transaction().execute(async (trx) => {
    for (const row of rows) {
      await trx
        .insertInto('preferences')
        .values({
          location_id: answer.locationId,
          contact_id: answer.contactId,
          key: row.key,
          value: row.value,
          received_at: answer.now,
        })
        .onConflict((conflict) =>
          conflict
            .columns(['location_id', 'contact_id', 'key'])
            .doUpdateSet({ value: row.value, received_at: answer.now }),
        )
        .execute();
    }
  });
}

/**
 * Whether the contact had answered `key` with a matched value before `before` (epoch ms). A run passes
 * its own start: an answer it saved itself on an earlier attempt is newer, so a retried run still
 * confirms the answer it stored instead of taking it for someone else's.
 */
export async function answeredBefore(
  db: Kysely<Database>,
  where: { locationId: string; contactId: string; key: string; before: number },
): Promise<boolean> {
  const row = await db
    .selectFrom('preferences')
    .select('value')
    .where('location_id', '=', where.locationId)
    .where('contact_id', '=', where.contactId)
    .where('key', '=', where.key)
    .where('received_at', '<', where.before)
    .executeTakeFirst();
  return row !== undefined && row.value !== LEGACY_UNPARSED;
}

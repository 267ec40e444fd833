/**
 * The question a reply is matched against is the one the welcome asked: the asking workflow records
 * its `question` block in `settings` (`preferences.question.<key>`) before it sends the welcome, and
 * the reply workflow reads it by key. The two workflows are separate files (a user may replace either),
 * so this is what keeps the numbers in the sent text and the parser's numbers the same.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { type Question, QuestionSchema } from './question.js';

const PREFIX = 'preferences.question.';

export async function recordAskedQuestion(db: Kysely<Database>, question: Question, now: number): Promise<void> {
  const value = JSON.stringify(question);
  await db
    .insertInto('settings')
    .values({ key: PREFIX + question.key, value, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
    .execute();
}

/** The question last asked under `key`, or null when none was (or what is stored no longer parses). */
export async function askedQuestion(db: Kysely<Database>, key: string): Promise<Question | null> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', PREFIX + key)
    .executeTakeFirst();
  if (!row) return null;
  let stored: unknown;
  try {
    stored = JSON.parse(row.value);
  } catch {
    return null;
  }
  const parsed = QuestionSchema.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

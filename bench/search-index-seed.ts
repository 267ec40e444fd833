/**
 * Seeds the local index for the agent-search bench (target: agent search p95 ≤ 15 ms over
 * 100k conversations and 1M messages): deterministic conversations (names, emails, unread every 7th,
 * starred every 50th) and messages whose bodies draw words from a Zipf-like vocabulary, so there are
 * common words (in a large share of messages) and rare ones (in about a thousand). Every 20th message is
 * a call with a transcript. Rows go in with multi-row inserts, one transaction per chunk.
 */
import type { InsertObject, Kysely } from 'kysely';
import type { Database } from '../src/store/schema.js';
import { seededRandom } from '../test/helpers/seeded-random.js';

export const BENCH_LOCATION = 'loc-bench';
const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

const FIRST = ['Ada', 'Bea', 'Cyd', 'Dov', 'Eli', 'Fay', 'Gus', 'Hal', 'Ivo', 'Jun', 'Kai', 'Lea', 'Mo', 'Nia', 'Oz'];
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'te', 'vo', 'zu', 'bri', 'dan', 'fel', 'gor', 'hin', 'jor'];
/** Event words first: the head of the Zipf curve, so "ticket" and "session" are the commonest topics. */
const HEAD = [
  'ticket',
  'session',
  'badge',
  'keynote',
  'speaker',
  'schedule',
  'lunch',
  'hotel',
  'refund',
  'agenda',
  'parking',
  'workshop',
  'sponsor',
  'booth',
  'venue',
  'registration',
  'invoice',
  'shuttle',
  'dinner',
  'wifi',
];
const VOCABULARY_SIZE = 5_000;

/** Pronounceable made-up words for the long tail, so FTS5's porter and Postgres' english treat them as words. */
function vocabulary(): string[] {
  const words = [...HEAD];
  for (let i = 0; words.length < VOCABULARY_SIZE; i++) {
    const a = SYLLABLES[i % 15]!;
    const b = SYLLABLES[Math.floor(i / 15) % 15]!;
    const c = SYLLABLES[Math.floor(i / 225) % 15]!;
    // A fourth syllable past 3,375 words keeps every word distinct (a repeat would merge two frequencies).
    const d = i < 3_375 ? '' : SYLLABLES[Math.floor(i / 3_375) % 15]!;
    words.push(`${a}${b}${c}${d}x`);
  }
  return words;
}

export const WORDS = vocabulary();

/** Word index with P(index < k) = (k / V)^(1/3): word 0 is in about half the messages, the tail in ~0.1 %. */
function zipfWord(random: () => number): string {
  return WORDS[Math.floor(VOCABULARY_SIZE * random() ** 3)]!;
}

function sentence(random: () => number, words: number): string {
  return Array.from({ length: words }, () => zipfWord(random)).join(' ');
}

export const BENCH_PEOPLE = {
  conversationId: (i: number) => `bench-conv-${String(i).padStart(7, '0')}`,
  name: (i: number) =>
    `${FIRST[i % FIRST.length]} ${SYLLABLES[Math.floor(i / 15) % 15]}${SYLLABLES[Math.floor(i / 225) % 15]}${SYLLABLES[Math.floor(i / 3375) % 15]}son`,
  email: (i: number) => `attendee${i}@bench.example`,
  unread: (i: number) => i % 7 === 0,
  starred: (i: number) => i % 50 === 0,
};

export async function seedSearchIndex(
  db: Kysely<Database>,
  options: { conversations: number; messagesPer: number; onProgress?: (done: number) => void },
): Promise<{ conversations: number; messages: number }> {
  const { conversations, messagesPer } = options;
  const random = seededRandom(42);
  const chunk = 2_000; // conversations per transaction
  for (let start = 0; start < conversations; start += chunk) {
    const end = Math.min(conversations, start + chunk);
    const conversationRows: InsertObject<Database, 'index_conversations'>[] = [];
    const messageRows: InsertObject<Database, 'index_messages'>[] = [];
    for (let i = start; i < end; i++) {
      const first = T0 + i * 10 * MINUTE;
      let lastBody = '';
      for (let j = 0; j < messagesPer; j++) {
        const call = (i * messagesPer + j) % 20 === 19;
        const body = call ? null : sentence(random, 8 + Math.floor(random() * 7));
        if (body) lastBody = body;
        messageRows.push({
          message_id: `bench-msg-${i}-${j}`,
          conversation_id: BENCH_PEOPLE.conversationId(i),
          location_id: BENCH_LOCATION,
          direction: j % 2 === 0 ? 'outbound' : 'inbound',
          type: call ? 'TYPE_CALL' : 'TYPE_SMS',
          status: 'delivered',
          body,
          created_at: first + j * MINUTE,
          has_recording: call ? 1 : 0,
          transcript: call ? sentence(random, 30) : null,
          updated_at: T0,
        });
      }
      conversationRows.push({
        conversation_id: BENCH_PEOPLE.conversationId(i),
        location_id: BENCH_LOCATION,
        contact_id: `bench-contact-${i}`,
        contact_name: BENCH_PEOPLE.name(i),
        contact_email: BENCH_PEOPLE.email(i),
        contact_phone: null,
        event_key: `event-${i % 4}`,
        unread_count: BENCH_PEOPLE.unread(i) ? 1 : 0,
        starred: BENCH_PEOPLE.starred(i) ? 1 : 0,
        last_message_at: first + (messagesPer - 1) * MINUTE,
        last_message_body: lastBody,
        status: 'delivered',
        sponsor: i % 100 === 0 ? 1 : 0,
        updated_at: T0,
      });
    }
    // Messages first: the index's triggers then build each conversation's topic document once, when the
    // conversation row arrives (0007-topic-search-by-conversation.ts), instead of once per message.
    await db.transaction().execute(async (trx) => {
      // 1,000 rows × 11 columns stays under both databases' bound-parameter limits.
      for (let k = 0; k < messageRows.length; k += 1_000) {
        await trx
          .insertInto('index_messages')
          .values(messageRows.slice(k, k + 1_000))
          .execute();
      }
      for (let k = 0; k < conversationRows.length; k += 1_000) {
        await trx
          .insertInto('index_conversations')
          .values(conversationRows.slice(k, k + 1_000))
          .execute();
      }
    });
    options.onProgress?.(end);
  }
  return { conversations, messages: conversations * messagesPer };
}

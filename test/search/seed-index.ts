/**
 * A large, deterministic local index for search tests and the bench: `conversations` conversations
 * with `messagesPer` messages each (default 10,000 × 10 = 100,000), written with multi-row inserts.
 * Every property is a pure function of the conversation number `i` and message number `j`, so a test
 * computes the expected counts with the same predicates (`SEEDED`) instead of trusting the database.
 */
import type { InsertObject, Kysely } from 'kysely';
import type { Database } from '../../src/store/schema.js';

export const SEED_LOCATION = 'loc-seeded';
const T0 = Date.UTC(2026, 9, 1);
const MINUTE = 60_000;

export const SEEDED = {
  conversationId: (i: number) => `seed-conv-${String(i).padStart(6, '0')}`,
  email: (i: number) => `attendee${i}@seed.example`,
  name: (i: number) => `Seeded Attendee ${i}`,
  unread: (i: number) => i % 7 === 0,
  starred: (i: number) => i % 50 === 0,
  /** Message j = 0 of every 40th conversation is a call (no body) whose transcript mentions "wheelchair". */
  hasWheelchairTranscript: (i: number, j: number) => j === 0 && i % 40 === 0,
  /** The body of message j in conversation i mentions "parking" when this holds. */
  mentionsParking: (i: number, j: number) => (i * 10 + j) % 97 === 0 && !(j === 0 && i % 40 === 0),
  lastMessageAt: (i: number, messagesPer: number) => T0 + i * 10 * MINUTE + (messagesPer - 1) * MINUTE,
};

const BODIES = [
  'Thanks for registering, your ticket is attached.',
  'Can I change my session on day two?',
  'Your badge will be ready at the front desk.',
  'Is lunch provided for attendees?',
  'We have updated the agenda for the keynote.',
];

export async function seedIndex(
  db: Kysely<Database>,
  options: { conversations?: number; messagesPer?: number } = {},
): Promise<{ conversations: number; messages: number }> {
  const conversations = options.conversations ?? 10_000;
  const messagesPer = options.messagesPer ?? 10;
  const batch = 500; // 500 rows × 15 columns stays far under both databases' bound-parameter limits

  for (let start = 0; start < conversations; start += batch) {
    const rows = [];
    for (let i = start; i < Math.min(conversations, start + batch); i++) {
      rows.push({
        conversation_id: SEEDED.conversationId(i),
        location_id: SEED_LOCATION,
        contact_id: `seed-contact-${i}`,
        contact_name: SEEDED.name(i),
        contact_email: SEEDED.email(i),
        contact_phone: null,
        event_key: null,
        unread_count: SEEDED.unread(i) ? 1 : 0,
        starred: SEEDED.starred(i) ? 1 : 0,
        last_message_at: SEEDED.lastMessageAt(i, messagesPer),
        last_message_body: BODIES[i % BODIES.length]!,
        status: 'delivered',
        sponsor: 0,
        updated_at: T0,
      });
    }
    await db.insertInto('index_conversations').values(rows).execute();
  }

  const messageBatch = 1000; // × 11 columns
  let rows: InsertObject<Database, 'index_messages'>[] = [];
  const flush = async () => {
    if (rows.length > 0) await db.insertInto('index_messages').values(rows).execute();
    rows = [];
  };
  for (let i = 0; i < conversations; i++) {
    for (let j = 0; j < messagesPer; j++) {
      const call = SEEDED.hasWheelchairTranscript(i, j);
      const body = SEEDED.mentionsParking(i, j)
        ? 'Is parking included with my ticket?'
        : BODIES[(i + j) % BODIES.length]!;
      rows.push({
        message_id: `seed-msg-${i}-${j}`,
        conversation_id: SEEDED.conversationId(i),
        location_id: SEED_LOCATION,
        direction: j % 2 === 0 ? 'outbound' : 'inbound',
        type: call ? 'TYPE_CALL' : 'TYPE_SMS',
        status: 'delivered',
        body: call ? null : body,
        created_at: T0 + i * 10 * MINUTE + j * MINUTE,
        has_recording: call ? 1 : 0,
        transcript: call ? 'Hello, I need a wheelchair accessible seat for the keynote.' : null,
        updated_at: T0,
      });
      if (rows.length >= messageBatch) await flush();
    }
  }
  await flush();
  return { conversations, messages: conversations * messagesPer };
}

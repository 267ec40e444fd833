/**
 * Bulk seeding for load tests and benches (the scale target is 10,000 conversations and 100,000
 * messages): `attendees` contacts with one SMS conversation each and exactly `messagesPerConversation`
 * messages, alternating outbound/inbound, built from the same sample threads as seed-location.ts.
 * Every tenth conversation's sixth message is an inbound call with a recording and a transcription;
 * every fiftieth conversation is starred; a conversation whose last message is inbound is unread.
 * It writes state directly (no webhooks), a few µs a message, so 100,000 messages take well under a second.
 */
import { LOCATION_PHONE } from './handlers/sandbox-senders.js';
import { transcriptDurationSeconds, transcriptFor } from './media/transcript.js';
import { type SeedClock, seedAttendee } from './seed-location.js';
import { seedThread } from './seed-people.js';
import type { SandboxState } from './state/sandbox-state.js';
import { writeMessage } from './state/write-message.js';

const MINUTE = 60_000;
const CALL_EVERY = 10;
const CALL_AT = 5;

export interface BulkSeedResult {
  locationId: string;
  contacts: number;
  conversations: number;
  messages: number;
  /** The first call message (every tenth conversation has one). */
  callMessageId: string;
}

export function seedBulk(
  state: SandboxState,
  clock: SeedClock,
  locationId: string,
  options: { attendees: number; messagesPerConversation: number },
): BulkSeedResult {
  const { attendees, messagesPerConversation: per } = options;
  if (!Number.isInteger(attendees) || attendees < 1 || attendees > 100_000) {
    throw new RangeError(`seedBulk: attendees must be a whole number from 1 to 100000, got ${attendees}`);
  }
  if (!Number.isInteger(per) || per < 1 || per > 100) {
    throw new RangeError(`seedBulk: messagesPerConversation must be a whole number from 1 to 100, got ${per}`);
  }
  const now = clock.now();
  const first = state.contacts.countIn(locationId);
  // Conversations a minute apart, the newest starting `per` minutes ago so every message is in the past.
  const oldest = now - (attendees + per + 1) * MINUTE;
  let messages = 0;
  let callMessageId = '';

  for (let k = 0; k < attendees; k++) {
    const index = first + k;
    const started = oldest + k * MINUTE;
    const { person, contact, conversation } = seedAttendee(state, clock, locationId, index, started);
    if (index % 50 === 0) conversation.starred = true;
    const thread = seedThread(person, index);
    let lastInbound = false;
    for (let j = 0; j < per; j++) {
      const inbound = j % 2 === 1;
      const at = started + Math.floor((j * MINUTE) / per);
      const isCall = j === CALL_AT && index % CALL_EVERY === 0;
      const transcript = isCall ? transcriptFor(index) : null;
      const message = writeMessage(
        state,
        conversation,
        {
          id: clock.newId(),
          messageType: isCall ? 'TYPE_CALL' : 'TYPE_SMS',
          direction: isCall || inbound ? 'inbound' : 'outbound',
          status: 'delivered',
          dateAdded: at,
          source: j === 0 ? 'workflow' : 'app',
          ...(isCall
            ? {
                call: {
                  from: contact.phone ?? '',
                  to: LOCATION_PHONE,
                  status: 'completed',
                  durationSeconds: transcriptDurationSeconds(transcript!),
                },
                transcript,
              }
            : {
                body: thread[j % thread.length]!.body,
                fromNumber: inbound ? contact.phone : LOCATION_PHONE,
                toNumber: inbound ? LOCATION_PHONE : contact.phone,
              }),
        },
        at,
      );
      if (isCall && callMessageId === '') callMessageId = message.id;
      lastInbound = message.direction === 'inbound';
      messages += 1;
    }
    if (lastInbound && index % 3 !== 0) conversation.unreadCount += 1;
  }
  return { locationId, contacts: attendees, conversations: attendees, messages, callMessageId };
}

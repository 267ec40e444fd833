/**
 * Sample data for one location: attendees with a conversation each (2–4 SMS or email messages, some
 * inbound so a few conversations are unread, the first one starred) and one inbound call with a recording
 * and transcription. Seeding sends no webhooks. A second call for the same location adds new attendees.
 */

import { EMAIL_PROVIDER, LOCATION_EMAIL, LOCATION_PHONE } from './handlers/sandbox-senders.js';
import { transcriptDurationSeconds, transcriptFor } from './media/transcript.js';
import { type SeedPerson, seedPerson, seedThread } from './seed-people.js';
import type { ContactRecord, ConversationRecord, MessageRecord } from './state/records.js';
import type { SandboxState } from './state/sandbox-state.js';
import { upsertContact } from './state/write-contact.js';
import { openConversation } from './state/write-conversation.js';
import { writeMessage } from './state/write-message.js';

const HOUR = 60 * 60 * 1000;
const SPAN_MS = 7 * 24 * HOUR; // conversations start over the past week

export interface SeedClock {
  now: () => number;
  newId: () => string;
}

/**
 * Seeded attendee `index` as a contact with its conversation, both dated `started`. Phones repeat after
 * 1,000 seeded people (seed-people.ts), so contacts match on email only.
 */
export function seedAttendee(
  state: SandboxState,
  clock: SeedClock,
  locationId: string,
  index: number,
  started: number,
): { person: SeedPerson; contact: ContactRecord; conversation: ConversationRecord } {
  const person = seedPerson(index);
  const { contact } = upsertContact(
    state,
    { locationId, ...person, phone: person.phone ?? undefined, tags: ['attendee', 'spring-summit'] },
    started,
    clock.newId,
    { matchPhone: false },
  );
  const conversation =
    state.conversations.ofContact(contact.id) ?? openConversation(state, contact, started, clock.newId());
  return { person, contact, conversation };
}

export function seedLocation(state: SandboxState, clock: SeedClock, locationId: string, attendees: number) {
  if (!Number.isInteger(attendees) || attendees < 1 || attendees > 10_000) {
    throw new RangeError(`seedLocation: attendees must be a whole number from 1 to 10000, got ${attendees}`);
  }
  if (typeof locationId !== 'string' || locationId.length === 0) {
    throw new TypeError('seedLocation: locationId must be a non-empty string');
  }
  const now = clock.now();
  const first = state.contacts.countIn(locationId);
  let messages = 0;
  let callHost: ConversationRecord | undefined;

  for (let k = 0; k < attendees; k++) {
    const index = first + k;
    // Latest conversation starts about 5 hours ago so its 4 messages, 37 minutes apart, stay in the past.
    const started = now - SPAN_MS + Math.floor((k * (SPAN_MS - 5 * HOUR)) / attendees);
    const { person, contact, conversation } = seedAttendee(state, clock, locationId, index, started);
    if (k === 0) conversation.starred = true;
    const byEmail = conversation.channel === 'email' || index % 4 === 3;
    const thread = seedThread(person, index).slice(0, 2 + (index % 3));
    let last: MessageRecord | undefined;
    thread.forEach((entry, j) => {
      // Welcome (automated) out, then the attendee's question, our answer, their thanks; attendees with
      // index % 3 === 0 never wrote back, so their second message is ours too.
      const inbound = j % 2 === 1 && index % 3 !== 0;
      const at = started + j * 37 * 60 * 1000;
      const id = clock.newId();
      last = writeMessage(
        state,
        conversation,
        {
          id,
          messageType: byEmail ? 'TYPE_EMAIL' : 'TYPE_SMS',
          direction: inbound ? 'inbound' : 'outbound',
          status: inbound ? 'delivered' : j === 0 ? 'delivered' : 'read',
          dateAdded: at,
          source: j === 0 ? 'workflow' : 'app',
          body: entry.body,
          email: byEmail
            ? {
                emailMessageId: clock.newId(),
                threadId: id,
                from: inbound ? person.email : LOCATION_EMAIL,
                to: [inbound ? LOCATION_EMAIL : person.email],
                cc: [],
                bcc: [],
                subject: entry.subject ?? 'Re: Your Spring Summit registration',
                provider: EMAIL_PROVIDER,
              }
            : null,
          fromNumber: byEmail ? null : inbound ? person.phone : LOCATION_PHONE,
          toNumber: byEmail ? null : inbound ? LOCATION_PHONE : person.phone,
        },
        at,
      );
      messages += 1;
    });
    // Unread when the attendee wrote last (the alternating thread leaves at most one such message).
    if (last?.direction === 'inbound') conversation.unreadCount += 1;
    if (!callHost && contact.phone) callHost = conversation;
  }

  const host =
    callHost ?? state.conversations.ofContact(state.contacts.findByEmail(locationId, seedPerson(first).email)!.id)!;
  const call = seedCall(state, clock, host, now - HOUR);
  return {
    locationId,
    contacts: attendees,
    conversations: attendees,
    messages: messages + 1,
    callMessageId: call.id,
  };
}

function seedCall(state: SandboxState, clock: SeedClock, conversation: ConversationRecord, at: number): MessageRecord {
  const contact = state.contacts.get(conversation.contactId)!;
  const transcript = transcriptFor(state.messages.size);
  const message = writeMessage(
    state,
    conversation,
    {
      id: clock.newId(),
      messageType: 'TYPE_CALL',
      direction: 'inbound',
      status: 'delivered',
      dateAdded: at,
      source: 'app',
      call: {
        from: contact.phone ?? '',
        to: LOCATION_PHONE,
        status: 'completed',
        durationSeconds: transcriptDurationSeconds(transcript),
      },
      transcript,
    },
    at,
  );
  conversation.unreadCount += 1;
  return message;
}

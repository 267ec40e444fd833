/**
 * Builds what parley POSTs to a subscription's `targetUrl`, in exactly the shape of the trigger's
 * sample data (trigger-catalog.ts): HighLevel resolves filters and custom variables against it by dot
 * path. The caller gives the happening in parley's own terms (the template scope's `attendee`, `event`,
 * `session` fields, src/jobs/accelevents-event-data.ts); every value is a string or null.
 */
import type { TriggerKey, TriggerPayload } from './trigger-catalog.js';

type Fields = Readonly<Record<string, string | null | undefined>>;

export interface TriggerHappening {
  triggerKey: TriggerKey;
  /** What happened, stable across replays (e.g. the workflow run key): the firing's deduplication key. */
  id: string;
  occurredAt: number;
  contactId: string | null;
  attendee: Fields;
  event: Fields;
  session?: Fields;
  preference?: { key: string; value: string | null; label: string | null; answer: string | null };
}

const text = (value: string | null | undefined): string | null =>
  typeof value === 'string' && value !== '' ? value : null;

export function triggerPayload(happening: TriggerHappening): TriggerPayload {
  const { attendee, event, session } = happening;
  return {
    type: happening.triggerKey,
    id: happening.id,
    occurredAt: new Date(happening.occurredAt).toISOString(),
    contactId: happening.contactId,
    attendee: {
      id: text(attendee.id),
      email: text(attendee.email),
      phone: text(attendee.phone),
      firstName: text(attendee.firstName),
      lastName: text(attendee.lastName),
    },
    ticket: {
      id: text(attendee.ticketId),
      orderId: text(attendee.orderId),
      type: text(attendee.ticketType),
      status: text(attendee.status),
    },
    event: { url: text(event.url) ?? text(event.key), id: text(event.id), name: text(event.name) },
    ...(session ? { session: { id: text(session.id), name: text(session.name) } } : {}),
    ...(happening.preference ? { preference: happening.preference } : {}),
  };
}

/**
 * Turns a stored Accelevents delivery (`inbox.mapped`, written by src/intake/map-payload.ts) into a
 * workflow event: the trigger, a run key stable across duplicate and replayed deliveries, and the
 * template scope's `attendee` and `event` fields. When the record was re-fetched from the API
 * (`accelevents.webhook.refetch`), its values win over the unsigned payload's.
 */
import type { MappedPayload } from '../intake/map-payload.js';
import type { RefetchedRecord } from '../intake/refetch-record.js';
import type { IntakeTopic } from '../intake/topics.js';
import type { TriggerName } from '../workflows/triggers.js';
import { PipelineError } from './pipeline-error.js';

export const TOPIC_TRIGGERS: Record<IntakeTopic, TriggerName> = {
  registration: 'accelevents.registration',
  check_in: 'accelevents.check_in',
  ticket_purchase: 'accelevents.ticket_purchase',
};

export interface AcceleventsEventData {
  trigger: TriggerName;
  /** `<topic>:<event>:<attendee>`: the same for every delivery of one happening, so its runs are found again. */
  key: string;
  /** The Accelevents event URL or id; what the location map is keyed by. */
  eventKey: string | null;
  data: { attendee: Record<string, string | null>; event: Record<string, string | null> };
}

export function isMappedPayload(value: unknown): value is MappedPayload {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.fields === 'object' && record.fields !== null && 'topic' in record;
}

export function acceleventsEventData(mapped: MappedPayload, refetched?: RefetchedRecord | null): AcceleventsEventData {
  if (mapped.topic === null) {
    throw new PipelineError('unmapped_delivery', 'the delivery has no recognised topic; nothing to run');
  }
  const f = mapped.fields;
  const r = refetched ?? null;
  const pick = (fromRecord: string | null | undefined, fromPayload: string | null): string | null =>
    fromRecord ?? fromPayload ?? null;
  const attendeeId = pick(r?.attendeeId, f.attendeeId) ?? pick(r?.ticketId, f.ticketId);
  const email = pick(r?.email, f.email);
  // Without an attendee id, the email is the next most stable identity of the person (DESIGN C3).
  const identity = attendeeId ?? email;
  if (identity === null) {
    throw new PipelineError(
      'unmapped_delivery',
      'the delivery names no attendee (no attendee id, ticket id or email); map one in accelevents.webhook.fields',
    );
  }
  const eventKey = r?.eventUrl ?? f.eventUrl ?? f.eventId ?? null;
  return {
    trigger: TOPIC_TRIGGERS[mapped.topic],
    key: `${mapped.topic}:${eventKey ?? '-'}:${identity}`,
    eventKey,
    data: {
      attendee: {
        id: identity,
        ticketId: pick(r?.ticketId, f.ticketId),
        orderId: pick(r?.orderId, f.orderId),
        email,
        firstName: pick(r?.firstName, f.firstName),
        lastName: pick(r?.lastName, f.lastName),
        phone: pick(r?.phone, f.phone),
        ticketType: pick(r?.ticketType, f.ticketType),
        status: pick(r?.status, f.status),
      },
      event: { key: eventKey, url: r?.eventUrl ?? f.eventUrl, id: f.eventId, name: null },
    },
  };
}

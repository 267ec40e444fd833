/**
 * Turns a stored Accelevents delivery (`inbox.mapped`, written by src/intake/plan-deliveries.ts) into
 * workflow events: the triggers it fires, a run key stable across duplicate and replayed deliveries,
 * and the template scope's `attendee`, `event` and `session` fields. When the record was re-fetched
 * from the API (`accelevents.webhook.refetch`), its values win over the unsigned payload's.
 */

import type { MappedPayload } from '../intake/map-payload.js';
import type { RefetchedRecord } from '../intake/refetch-record.js';
import type { IntakeTopic } from '../intake/webhook-vocabulary.js';
import type { TriggerName } from '../workflows/triggers.js';
import { PipelineError } from './job-error.js';

/**
 * The triggers each topic fires. A ticket purchase is a registration for each ticket holder, so both
 * run under the registration's run key: a registration and a purchase for the same person welcome once.
 */
export const TOPIC_TRIGGERS: Record<IntakeTopic, readonly TriggerName[]> = {
  registration: ['accelevents.registration'],
  check_in: ['accelevents.check_in'],
  ticket_purchase: ['accelevents.registration', 'accelevents.ticket_purchase'],
  ticket_status_changed: ['accelevents.ticket_status_changed'],
  session_check_in: ['accelevents.session_check_in'],
};

/** Ticket statuses that must never be welcomed (compared case-insensitively, by word). */
export const INACTIVE_TICKET = /refund|cancel|void|revok/i;

export interface AcceleventsEventData {
  /** Each trigger with its run key: `<trigger>:<event>:<person>[:<session>]`. */
  triggers: { trigger: TriggerName; key: string }[];
  /** The Accelevents event URL or id; what the location map is keyed by. */
  eventKey: string | null;
  /** Who this is about, for messages: the email, else the attendee id. */
  identity: string;
  data: {
    attendee: Record<string, string | null>;
    event: Record<string, string | null>;
    session?: Record<string, string | null>;
  };
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
  const pick = (fromRecord: string | null | undefined, fromPayload: string | null | undefined): string | null =>
    fromRecord ?? fromPayload ?? null;
  const attendeeId = pick(r?.attendeeId, f.attendeeId) ?? pick(r?.ticketId, f.ticketId);
  const email = pick(r?.email, f.email);
  // The email first: holders of one order who share an email are one HighLevel contact with one
  // conversation, so one welcome; the attendee id is the identity when there is no email.
  const identity = email?.toLowerCase() ?? attendeeId;
  if (identity === null) {
    throw new PipelineError(
      'unmapped_delivery',
      'the delivery names no attendee (no attendee id, ticket id or email); map one in accelevents.webhook.fields',
    );
  }
  const eventKey = r?.eventUrl ?? f.eventUrl ?? f.eventId ?? null;
  const sessionId = f.sessionId ?? null;
  const status = pick(r?.status, f.status);
  const keyOf = (trigger: TriggerName): string => {
    const base = `${trigger.replace(/^accelevents\./, '')}:${eventKey ?? '-'}:${identity}`;
    if (trigger === 'accelevents.session_check_in') return `${base}:${sessionId ?? '-'}`;
    if (trigger === 'accelevents.ticket_status_changed') return `${base}:${status ?? '-'}`;
    return base;
  };
  return {
    triggers: TOPIC_TRIGGERS[mapped.topic].map((trigger) => ({ trigger, key: keyOf(trigger) })),
    eventKey,
    identity,
    data: {
      attendee: {
        id: attendeeId ?? email,
        ticketId: pick(r?.ticketId, f.ticketId),
        orderId: pick(r?.orderId, f.orderId),
        email,
        firstName: pick(r?.firstName, f.firstName),
        lastName: pick(r?.lastName, f.lastName),
        phone: pick(r?.phone, f.phone),
        ticketType: pick(r?.ticketType, f.ticketType),
        status,
      },
      event: { key: eventKey, url: r?.eventUrl ?? f.eventUrl, id: f.eventId, name: f.eventName ?? null },
      ...(mapped.topic === 'session_check_in' ? { session: { id: sessionId, name: f.sessionName ?? null } } : {}),
    },
  };
}

/**
 * What one webhook body becomes in the inbox: one row per record and person, each with its own dedupe
 * key, job and (when it can start no run) the reason why. Shared by the intake route and by
 * reprocessing, so a stored body re-run through a fixed mapping lands exactly as a new delivery would.
 * Pure: no I/O.
 */

import { PRIORITY } from '../lib/priority-lanes.js';
import { acceleventsDedupeKey } from './dedupe-key.js';
import { expandPeople, type PersonPayload } from './expand-people.js';
import { type InboxReason, inboxReason } from './inbox-reasons.js';
import type { HeaderBag } from './map-payload.js';
import type { BodyFormat } from './parse-body.js';
import type { InboxDelivery, InboxJob } from './store-delivery.js';
import { WELCOMING_TOPICS } from './topics.js';
import type { PayloadMapping } from './webhook-config.js';

export const ACCELEVENTS_EVENT_JOB = 'accelevents.event';

export interface PlannedDelivery {
  delivery: InboxDelivery;
  job: InboxJob | null;
  mapped: PersonPayload;
}

export interface PlanInput {
  records: readonly Record<string, unknown>[];
  format: BodyFormat;
  /** The body as received; stored as it is when it holds a single record. */
  rawText: string;
  contentType: string | null;
  /** Request headers, for topic headers and the delivery-id header. */
  headers: HeaderBag;
  /** What is stored of the headers (secrets removed). */
  storedHeaders: Record<string, string>;
  mapping: PayloadMapping;
  deliveryIdHeader: string | null;
}

/** Why a mapped person can start no run, decided before anything is queued. */
export function reasonAtIntake(mapped: PersonPayload): InboxReason | null {
  if (mapped.topic === null) {
    const seen = mapped.rawTopic === null ? 'no topic was found' : `the topic ${JSON.stringify(mapped.rawTopic)}`;
    return inboxReason(
      'topic_not_recognised',
      `${seen} is not recognised; map it in accelevents.webhook.topic.aliases (or the console's Mapping) and reprocess`,
    );
  }
  const f = mapped.fields;
  if (f.attendeeId === null && f.ticketId === null && f.email === null) {
    return inboxReason(
      'no_attendee',
      `no attendee found at ${mapped.person.path}: no attendee id, ticket id or email; map one in accelevents.webhook.fields (or the console's Mapping) and reprocess`,
    );
  }
  return null;
}

export function planDeliveries(input: PlanInput): PlannedDelivery[] {
  const planned: PlannedDelivery[] = [];
  const batch = input.records.length > 1 || input.format === 'json-array';
  for (const [index, record] of input.records.entries()) {
    const body = batch ? JSON.stringify(record) : input.rawText;
    const people = expandPeople(record, input.mapping, input.headers);
    for (const mapped of people) {
      const part = batch || people.length > 1 ? `${index}/${mapped.person.path}` : null;
      const dedupe = acceleventsDedupeKey({
        mapped,
        headers: input.headers,
        rawBody: body,
        deliveryIdHeader: input.deliveryIdHeader,
        part,
      });
      const reason = reasonAtIntake(mapped);
      planned.push({
        mapped,
        delivery: {
          source: 'accelevents',
          dedupeKey: dedupe.key,
          topic: mapped.topic ?? mapped.rawTopic,
          contentType: input.contentType,
          headers: input.storedHeaders,
          body,
          mapped: { ...mapped, format: input.format, dedupeBasis: dedupe.basis, record: index },
          status: reason ? 'ignored' : 'received',
          reason,
        },
        job: {
          kind: ACCELEVENTS_EVENT_JOB,
          priority:
            mapped.topic !== null && WELCOMING_TOPICS.has(mapped.topic) ? PRIORITY.welcome : PRIORITY.automation,
        },
      });
    }
  }
  return planned;
}

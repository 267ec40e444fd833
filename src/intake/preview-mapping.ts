/**
 * What a mapping would make of stored deliveries, without changing anything: one delivery's record
 * with each person's fields, topic, the path each came from, and whether intake would now accept it
 * or still keep it as `ignored` (and why); and which ignored deliveries a mapping would now accept,
 * so the console can offer to reprocess exactly those. Both plan the stored body the way
 * reprocessing does (replan-delivery.ts), so the preview is what reprocessing will do.
 */
import type { Kysely } from 'kysely';
import type { Database, InboxStatus } from '../store/schema.js';
import type { EffectiveMapping } from './effective-mapping.js';
import type { InboxReasonCode } from './inbox-reasons.js';
import { IntakeError } from './intake-error.js';
import type { MappedPayload } from './map-payload.js';
import type { PlannedDelivery } from './plan-deliveries.js';
import { replanDelivery, STORED_DELIVERY_COLUMNS } from './replan-delivery.js';

/** The reasons a better mapping can cure; the others are decided by workflows, not by the mapping. */
export const MAPPING_REASONS: readonly InboxReasonCode[] = ['topic_not_recognised', 'no_attendee'];
const MAPPABLE_SOURCES = ['accelevents', 'reconciliation'] as const;
/** Most ignored deliveries one look for affected ones reads, newest first. */
export const AFFECTED_SCAN_LIMIT = 1000;

export interface PersonPreview extends Pick<MappedPayload, 'topic' | 'rawTopic' | 'topicBy' | 'fields' | 'matched'> {
  /** Where the person is in the record: `$`, `attendees[1]`, … */
  path: string;
  /** `accepted`: it would be queued for its workflows; `ignored`: kept with the reason below. */
  outcome: 'accepted' | 'ignored';
  reasonCode: InboxReasonCode | null;
  reason: string | null;
}

export interface DeliveryPreview {
  deliveryId: string;
  /** As stored now. */
  current: { status: InboxStatus; reasonCode: string | null; reason: string | null };
  /** The parsed record the mapping's paths read. */
  record: Record<string, unknown>;
  /** The person the delivery holds, mapped with the given mapping. */
  person: PersonPreview;
  /** Anyone else its body names (reprocessing stores them as new deliveries). */
  others: PersonPreview[];
}

function personOf(planned: PlannedDelivery): PersonPreview {
  const { mapped, delivery } = planned;
  return {
    path: mapped.person.path,
    topic: mapped.topic,
    rawTopic: mapped.rawTopic,
    topicBy: mapped.topicBy,
    fields: mapped.fields,
    matched: mapped.matched,
    outcome: delivery.status === 'received' ? 'accepted' : 'ignored',
    reasonCode: delivery.reason?.code ?? null,
    reason: delivery.reason?.message ?? null,
  };
}

/** Null when there is no Accelevents delivery with this id. */
export async function previewDelivery(
  db: Kysely<Database>,
  id: string,
  effective: Pick<EffectiveMapping, 'config' | 'mapping'>,
): Promise<DeliveryPreview | null> {
  const row = await db
    .selectFrom('inbox')
    .select([...STORED_DELIVERY_COLUMNS, 'reason_code', 'reason'])
    .where('id', '=', id)
    .where('source', 'in', [...MAPPABLE_SOURCES])
    .executeTakeFirst();
  if (row === undefined) return null;
  const replanned = replanDelivery(row, effective.mapping, effective.config.deliveryIdHeader);
  if (!replanned.ok) throw new IntakeError('invalid_body', `delivery ${id} cannot be mapped: ${replanned.message}`);
  return {
    deliveryId: row.id,
    current: { status: row.status, reasonCode: row.reason_code, reason: row.reason },
    record: replanned.record,
    person: personOf(replanned.mine),
    others: replanned.siblings.map(personOf),
  };
}

export interface AffectedDeliveries {
  /** Ignored deliveries the mapping would now accept, newest first. */
  ids: string[];
  /** How many ignored deliveries were looked at; at most AFFECTED_SCAN_LIMIT. */
  scanned: number;
  /** True when more ignored deliveries exist than were looked at. */
  more: boolean;
}

export async function findAffectedDeliveries(
  db: Kysely<Database>,
  effective: Pick<EffectiveMapping, 'config' | 'mapping'>,
  limit = AFFECTED_SCAN_LIMIT,
): Promise<AffectedDeliveries> {
  const rows = await db
    .selectFrom('inbox')
    .select(STORED_DELIVERY_COLUMNS)
    .where('source', 'in', [...MAPPABLE_SOURCES])
    .where('status', '=', 'ignored')
    .where('reason_code', 'in', [...MAPPING_REASONS])
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const ids: string[] = [];
  for (const row of rows.slice(0, limit)) {
    const replanned = replanDelivery(row, effective.mapping, effective.config.deliveryIdHeader);
    if (replanned.ok && replanned.mine.delivery.status === 'received') ids.push(row.id);
  }
  return { ids, scanned: Math.min(rows.length, limit), more: rows.length > limit };
}

/**
 * A stored Accelevents delivery planned again through a mapping, exactly as a new delivery with the
 * same body and headers would be (plan-deliveries.ts). Reprocessing writes the result; the console's
 * mapping preview and its count of affected deliveries only look at it. Pure: no I/O.
 */
import type { InboxStatus } from '../store/schema.js';
import { parseWebhookBody } from './parse-body.js';
import { type PlannedDelivery, planDeliveries } from './plan-deliveries.js';
import type { PayloadMapping } from './webhook-config.js';

/** The inbox columns a re-plan reads. */
export interface StoredDeliveryRow {
  id: string;
  source: string;
  status: InboxStatus;
  body: string;
  content_type: string | null;
  headers: string;
  mapped: string | null;
}

export const STORED_DELIVERY_COLUMNS = ['id', 'source', 'status', 'body', 'content_type', 'headers', 'mapped'] as const;

export type Replanned =
  | {
      ok: true;
      /** The record the row's person came from, as parsed (what the mapping's paths read). */
      record: Record<string, unknown>;
      /** The person the row held, planned again. */
      mine: PlannedDelivery;
      /** Everyone else the body names (people an earlier mapping missed, or the row's siblings). */
      siblings: PlannedDelivery[];
      /** The lane a backfill or reconciliation stored on the row, kept across re-plans. */
      lane: string | null;
    }
  /** `unparsable`: the body cannot be read; `empty`: it names no record. */
  | { ok: false; problem: 'unparsable' | 'empty'; message: string };

interface StoredMapped {
  person?: { path?: string };
  lane?: string;
  record?: number;
}

export function replanDelivery(
  row: StoredDeliveryRow,
  mapping: PayloadMapping,
  deliveryIdHeader: string | null,
): Replanned {
  const parsed = parseWebhookBody(Buffer.from(row.body, 'utf8'), row.content_type ?? undefined);
  // Intake stored only bodies it could parse, so this is a row written by hand or by an old version.
  if (!parsed.ok) return { ok: false, problem: 'unparsable', message: parsed.message };
  const headers = parseHeaders(row.headers);
  const planned = planDeliveries({
    records: parsed.records,
    format: parsed.format,
    rawText: row.body,
    contentType: row.content_type,
    headers,
    storedHeaders: headers,
    mapping,
    deliveryIdHeader,
  });
  const old = parseMapped(row.mapped);
  const mine = planned.find((p) => p.mapped.person.path === (old?.person?.path ?? '$')) ?? planned[0];
  if (!mine) return { ok: false, problem: 'empty', message: `delivery ${row.id}: its body names no record` };
  const recordIndex = (mine.delivery.mapped as StoredMapped).record ?? 0;
  return {
    ok: true,
    record: parsed.records[recordIndex] ?? parsed.records[0] ?? {},
    mine,
    siblings: planned.filter((p) => p !== mine),
    lane: typeof old?.lane === 'string' ? old.lane : null,
  };
}

function parseHeaders(text: string): Record<string, string> {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, string>)
      : {};
  } catch {
    return {};
  }
}

function parseMapped(text: string | null): StoredMapped | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as StoredMapped;
  } catch {
    return null;
  }
}

/**
 * Read-only views of the `inbox` table for operators (`parley inbox`, the console's Deliveries page):
 * stored deliveries newest first with filters, and one delivery with its raw body, headers and mapped
 * fields. Nothing here writes; reprocessing is reprocess-deliveries.ts.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, InboxStatus, InboxTable } from '../store/schema.js';
import { IntakeError } from './intake-error.js';

/**
 * The statuses a bulk reprocess may select: deliveries that started no run or failed. `received` ones
 * still have a job coming and `processed` ones ran; either can still be reprocessed by id.
 */
export const REPROCESSABLE_STATUSES = ['ignored', 'skipped', 'failed'] as const satisfies readonly InboxStatus[];
export type ReprocessableStatus = (typeof REPROCESSABLE_STATUSES)[number];

/** Where a page ended: the last delivery's time and id, so the next page starts strictly after it. */
export interface DeliveryPosition {
  receivedAt: number;
  id: string;
}

export interface DeliveryListQuery {
  status?: InboxStatus;
  /** Only deliveries from these sources (the console's Mapping page lists Accelevents ones). */
  sources?: readonly InboxTable['source'][];
  reasonCode?: string;
  /** Epoch ms: only deliveries received at or after it. */
  since?: number;
  limit: number;
  /** The previous page's `next`. */
  after?: DeliveryPosition | null;
}

export interface DeliverySummary {
  id: string;
  source: InboxTable['source'];
  /** ISO 8601, UTC. */
  receivedAt: string;
  topic: string | null;
  status: InboxStatus;
  reasonCode: string | null;
  reason: string | null;
  error: string | null;
  /** ISO 8601, UTC; null while the job has not finished with it. */
  processedAt: string | null;
}

export interface DeliveryDetail extends DeliverySummary {
  contentType: string | null;
  headers: Record<string, string>;
  /** The body exactly as received (attacker-controlled text: escape it wherever it is shown). */
  body: string;
  /** The mapped fields, parsed; null when the delivery was never mapped. */
  mapped: unknown;
}

export interface DeliveryPage {
  items: DeliverySummary[];
  /** Pass as `after` for the next page; null on the last one. */
  next: DeliveryPosition | null;
}

const SUMMARY_COLUMNS = [
  'id',
  'source',
  'received_at',
  'topic',
  'status',
  'reason_code',
  'reason',
  'error',
  'processed_at',
] as const;

type SummaryRow = Pick<Selectable<InboxTable>, (typeof SUMMARY_COLUMNS)[number]>;

export async function listDeliveries(db: Kysely<Database>, query: DeliveryListQuery): Promise<DeliveryPage> {
  if (!Number.isInteger(query.limit) || query.limit < 1) {
    throw new IntakeError('invalid_option', `limit must be a positive integer; got ${String(query.limit)}`);
  }
  const after = query.after ?? null;
  const rows = await db
    .selectFrom('inbox')
    .select(SUMMARY_COLUMNS)
    .$if(query.status !== undefined, (qb) => qb.where('status', '=', query.status as InboxStatus))
    .$if(query.sources !== undefined, (qb) => qb.where('source', 'in', [...(query.sources ?? [])]))
    .$if(query.reasonCode !== undefined, (qb) => qb.where('reason_code', '=', query.reasonCode as string))
    .$if(query.since !== undefined, (qb) => qb.where('received_at', '>=', query.since as number))
    .$if(after !== null, (qb) => {
      const { receivedAt, id } = after as DeliveryPosition;
      return qb.where((eb) =>
        eb.or([eb('received_at', '<', receivedAt), eb.and([eb('received_at', '=', receivedAt), eb('id', '<', id)])]),
      );
    })
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    // One extra row only says whether another page exists.
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toSummary),
    next:
      rows.length > query.limit && last !== undefined ? { receivedAt: Number(last.received_at), id: last.id } : null,
  };
}

/** One delivery with everything stored about it; null when there is no such id (or it was pruned). */
export async function getDelivery(db: Kysely<Database>, id: string): Promise<DeliveryDetail | null> {
  const row = await db.selectFrom('inbox').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) return null;
  return {
    ...toSummary(row),
    contentType: row.content_type,
    headers: parseHeaders(row.headers),
    body: row.body,
    mapped: row.mapped === null ? null : parseJson(row.mapped),
  };
}

/** How many stored deliveries have this status (the workflows page's "arrived while it was off"). */
export async function countDeliveries(db: Kysely<Database>, status: InboxStatus): Promise<number> {
  const row = await db
    .selectFrom('inbox')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('status', '=', status)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

function toSummary(row: SummaryRow): DeliverySummary {
  return {
    id: row.id,
    source: row.source,
    receivedAt: new Date(Number(row.received_at)).toISOString(),
    topic: row.topic,
    status: row.status,
    reasonCode: row.reason_code,
    reason: row.reason,
    error: row.error,
    processedAt: row.processed_at === null ? null : new Date(Number(row.processed_at)).toISOString(),
  };
}

function parseHeaders(text: string): Record<string, string> {
  const value = parseJson(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([name, v]) => [name, String(v)]));
}

// Stored by us as JSON; a row written by hand or by an older version may not be, and is shown as text.
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

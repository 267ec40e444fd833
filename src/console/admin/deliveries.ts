/**
 * Deliveries for admins: every stored webhook delivery newest first (keyset paged), one delivery with
 * its raw body, headers and mapped fields, and reprocessing (one, several, or all of a status) through
 * the current mapping, the same as `parley inbox reprocess`. Raw bodies are attacker-controlled text;
 * the pages escape them (render-page.ts) and the API sends them as JSON strings.
 */
import type { Kysely } from 'kysely';

import { IntakeError } from '../../intake/intake-error.js';
import {
  countDeliveries,
  type DeliveryDetail,
  type DeliverySummary,
  getDelivery,
  listDeliveries,
  type ReprocessableStatus,
} from '../../intake/list-deliveries.js';
import { parseSince, SINCE_FORMS } from '../../intake/parse-since.js';
import { type ReprocessResult, reprocessDeliveries } from '../../intake/reprocess-deliveries.js';
import type { AcceleventsWebhookSettings } from '../../intake/webhook-settings.js';
import type { Logger } from '../../lib/create-logger.js';
import type { Queue } from '../../queue/types.js';
import type { Database, InboxStatus } from '../../store/schema.js';
import { ConsoleError } from '../console-error.js';
import { decodeCursor, encodeCursor, type KeysetPage } from './keyset-cursor.js';

/** Most ids one reprocess request may name. */
export const MAX_REPROCESS_IDS = 100;
/** Most deliveries one reprocess-by-status request takes; the rest wait for the next click. */
export const MAX_REPROCESS_BATCH = 1000;
export const DEFAULT_REPROCESS_BATCH = 200;

export interface DeliveryQuery {
  status?: InboxStatus;
  /** An ISO date/time or a duration back from now (src/intake/parse-since.ts). */
  since?: string;
  limit: number;
  cursor?: string | null;
}

export async function listDeliveryPage(
  db: Kysely<Database>,
  query: DeliveryQuery,
  now: number,
): Promise<KeysetPage<DeliverySummary>> {
  const since = query.since === undefined ? undefined : parseSince(query.since, now);
  if (since === null) {
    throw new ConsoleError('invalid_request', `since must be ${SINCE_FORMS}`, { field: 'since' });
  }
  const [receivedAt, id] = query.cursor ? decodeCursor(query.cursor) : [undefined, undefined];
  const page = await listDeliveries(db, {
    status: query.status,
    since,
    limit: query.limit,
    after: receivedAt === undefined ? null : { receivedAt, id: id as string },
  });
  return {
    items: page.items,
    nextCursor: page.next === null ? null : encodeCursor([page.next.receivedAt, page.next.id]),
  };
}

export async function getDeliveryView(db: Kysely<Database>, id: string): Promise<DeliveryDetail> {
  const delivery = await getDelivery(db, id);
  if (delivery === null)
    throw new ConsoleError('not_found', `no delivery ${id} (it may have been pruned)`, { field: 'id' });
  return delivery;
}

/** Stored deliveries whose workflow was off when they arrived; they run once it is on again and they are reprocessed. */
export function skippedDeliveryCount(db: Kysely<Database>): Promise<number> {
  return countDeliveries(db, 'skipped');
}

export interface ReprocessRequest {
  ids?: readonly string[];
  status?: ReprocessableStatus;
  limit?: number;
}

export interface ConsoleReprocessDeps {
  db: Kysely<Database>;
  queue: Queue;
  /** `accelevents.webhook` from the file config: the mapping reprocessing applies. */
  config?: AcceleventsWebhookSettings;
  logger: Logger;
  now: () => number;
}

export async function reprocessFromConsole(
  deps: ConsoleReprocessDeps,
  request: ReprocessRequest,
  actor: string,
): Promise<{ reprocessed: number; deliveries: ReprocessResult[] }> {
  const ids = request.ids ?? [];
  if (ids.length > 0 === (request.status !== undefined)) {
    throw new ConsoleError('invalid_request', 'give either ids (delivery ids) or status (ignored, skipped or failed)', {
      field: ids.length > 0 ? 'status' : 'ids',
    });
  }
  const deliveries = await reprocessDeliveries(
    { db: deps.db, queue: deps.queue, config: deps.config, logger: deps.logger, now: deps.now },
    ids.length > 0 ? { ids } : { status: request.status, limit: request.limit ?? DEFAULT_REPROCESS_BATCH },
  ).catch((error: unknown) => {
    throw toConsoleError(error);
  });
  // The audit log records HighLevel calls only; who reprocessed what goes to the server log.
  deps.logger.info(
    { actor, ids: ids.length > 0 ? ids : undefined, status: request.status, count: deliveries.length },
    'deliveries reprocessed from the console',
  );
  return { reprocessed: deliveries.length, deliveries };
}

// Only Accelevents deliveries can be mapped again: a HighLevel one exists but is "not found" to reprocessing.
function toConsoleError(error: unknown): unknown {
  if (!(error instanceof IntakeError)) return error;
  if (error.code === 'delivery_not_found') return new ConsoleError('not_found', error.message, { field: 'ids' });
  if (error.code === 'invalid_selector') return new ConsoleError('invalid_request', error.message);
  return error;
}

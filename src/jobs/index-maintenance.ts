/**
 * Keeps the local conversation index right without anyone asking: an `index.sync` job per connected
 * HighLevel location every `console.indexSyncMinutes`, and one `index.retention` job a day applying
 * `console.retention` (when either limit is set) and then compacting the search index. Like the
 * Accelevents pollers (pollers/schedule-pollers.ts) each job is keyed by its time slot and first
 * enqueues the next slot, so a failed run never breaks the chain and several processes (or a restart)
 * merge into one chain on the next slot's dedupe key.
 * A location's last sync start is kept in `settings` (`index.synced_at.<locationId>`); the first sync is
 * a full one, later ones pass it as `since` (the one-hour overlap is inside syncLocation).
 */
import type { Kysely } from 'kysely';
import type { HighLevelClient } from '../highlevel/client.js';
import type { Logger } from '../lib/create-logger.js';
import { PRIORITY } from '../lib/priority-lanes.js';
import type { EnqueueInput, JobHandler, Queue } from '../queue/types.js';
import type { LocalIndex } from '../search/local-index.js';
import type { SponsorConfig } from '../search/sponsor-settings.js';
import type { Database } from '../store/schema.js';
import { PipelineError } from './job-error.js';

export const INDEX_SYNC_JOB = 'index.sync';
export const INDEX_RETENTION_JOB = 'index.retention';
export const SYNCED_AT_PREFIX = 'index.synced_at.';
const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** A missed slot is covered by the next one (the overlap rescans it), so few attempts are enough. */
const MAX_ATTEMPTS = 3;

export interface IndexMaintenanceSettings {
  /** The HighLevel locations to mirror, read whenever the schedule starts (connected, status ok). */
  locations: () => Promise<readonly string[]>;
  /** Minutes between syncs of a location; 0 switches syncing off. Default 15 (config console.indexSyncMinutes). */
  syncMinutes?: number;
  /** Config console.retention; null days keep that kind of text (both null: the daily job only compacts). */
  retention?: { bodiesDays: number | null; transcriptsDays: number | null };
  /** Config sponsor.staffContactIds: their conversations are the sponsor channel. */
  sponsorContactIds?: readonly string[];
  /** Config sponsor.sponsors: a contact tagged `sponsor:<key>` joins that sponsor's channel. */
  sponsors?: readonly SponsorConfig[];
}

export interface IndexMaintenanceOptions extends IndexMaintenanceSettings {
  queue: Queue;
  db: Kysely<Database>;
  index: LocalIndex;
  client: Pick<HighLevelClient, 'conversations'>;
  logger: Logger;
  now?: () => number;
}

export interface IndexMaintenance {
  handlers: Record<typeof INDEX_SYNC_JOB | typeof INDEX_RETENTION_JOB, JobHandler>;
  /** Enqueues the current slot of every chain (idempotent); returns the locations and whether retention applies. */
  schedule(): Promise<{ locations: string[]; retention: boolean }>;
}

/** The job of the time slot `at` falls in (or, with `next`, the slot after), keyed by the slot so a chain runs once. */
export function slotJob(kind: string, key: string, payload: object, intervalMs: number, at: number, next: boolean) {
  const slot = Math.floor(at / intervalMs) + (next ? 1 : 0);
  return {
    kind,
    payload: { ...payload, slot },
    priority: PRIORITY.backfill,
    runAt: next ? slot * intervalMs : at,
    maxAttempts: MAX_ATTEMPTS,
    dedupeKey: `${key}:${slot}`,
  } satisfies EnqueueInput;
}

export function syncJob(locationId: string, intervalMs: number, at: number, next = false): EnqueueInput {
  return slotJob(INDEX_SYNC_JOB, `${INDEX_SYNC_JOB}:${locationId}`, { locationId }, intervalMs, at, next);
}

export function retentionJob(at: number, next = false): EnqueueInput {
  return slotJob(INDEX_RETENTION_JOB, INDEX_RETENTION_JOB, {}, DAY_MS, at, next);
}

export async function lastSyncStart(db: Kysely<Database>, locationId: string): Promise<number | null> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', SYNCED_AT_PREFIX + locationId)
    .executeTakeFirst();
  const value = row ? Number(row.value) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : null;
}

async function recordSyncStart(db: Kysely<Database>, locationId: string, startedAt: number): Promise<void> {
  const value = String(startedAt);
  await db
    .insertInto('settings')
    .values({ key: SYNCED_AT_PREFIX + locationId, value, updated_at: startedAt })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: startedAt }))
    .execute();
}

function checkSettings(options: IndexMaintenanceOptions): { syncMs: number; retentionOn: boolean } {
  const minutes = options.syncMinutes ?? 15;
  if (!Number.isFinite(minutes) || minutes < 0) {
    throw new RangeError(`createIndexMaintenance: syncMinutes must be a number of minutes ≥ 0; got ${minutes}`);
  }
  const retention = options.retention;
  return {
    syncMs: Math.round(minutes * MINUTE_MS),
    retentionOn: !!retention && (retention.bodiesDays !== null || retention.transcriptsDays !== null),
  };
}

export function createIndexMaintenance(options: IndexMaintenanceOptions): IndexMaintenance {
  for (const name of ['queue', 'db', 'index', 'client', 'locations', 'logger'] as const) {
    if (options?.[name] == null) {
      throw new PipelineError('missing_dependency', `createIndexMaintenance: options.${name} is required`);
    }
  }
  const { queue, db, index, client, logger } = options;
  const now = options.now ?? Date.now;
  const { syncMs, retentionOn } = checkSettings(options);

  const sync: JobHandler = async (job, context) => {
    const locationId = (job.payload as { locationId?: unknown } | null)?.locationId;
    if (typeof locationId !== 'string' || locationId === '') {
      throw new PipelineError('invalid_job', `${INDEX_SYNC_JOB} job ${job.id} has no payload.locationId`);
    }
    if (syncMs > 0) await queue.enqueue(syncJob(locationId, syncMs, now(), true));
    const since = await lastSyncStart(db, locationId);
    const result = await index.syncLocation({
      client,
      locationId,
      since,
      signal: context.signal,
      ...(options.sponsorContactIds ? { sponsorContactIds: options.sponsorContactIds } : {}),
      ...(options.sponsors ? { sponsors: options.sponsors } : {}),
    });
    await recordSyncStart(db, locationId, result.startedAt);
    // Counts only: the index holds attendee names and bodies, which stay out of logs.
    logger.info(
      { locationId, full: since === null, conversations: result.conversations, messages: result.messages },
      'index synced',
    );
  };

  const daily: JobHandler = async () => {
    await queue.enqueue(retentionJob(now(), true));
    if (retentionOn) {
      const cleared = await index.applyRetention({
        bodiesOlderThanDays: options.retention?.bodiesDays ?? null,
        transcriptsOlderThanDays: options.retention?.transcriptsDays ?? null,
      });
      logger.info(cleared, 'index retention applied');
    }
    // Search speed depends on it (src/search/local-index.ts optimize; bench/agent-search.ts).
    await index.optimize();
  };

  return {
    handlers: { [INDEX_SYNC_JOB]: sync, [INDEX_RETENTION_JOB]: daily },
    async schedule() {
      const at = now();
      const locations = syncMs > 0 ? [...new Set(await options.locations())] : [];
      for (const locationId of locations) await queue.enqueue(syncJob(locationId, syncMs, at));
      await queue.enqueue(retentionJob(at));
      return { locations, retention: retentionOn };
    },
  };
}

/**
 * The inbox row a job points at (`{ inboxId }`, src/intake/store-delivery.ts), and marking it done.
 * A missing row or a payload without an id fails the same way on every attempt, so it is final.
 */
import type { Kysely } from 'kysely';
import type { InboxReason } from '../../intake/inbox-reasons.js';
import type { Job } from '../../queue/types.js';
import type { Database, InboxTable } from '../../store/schema.js';
import { PipelineError } from '../job-error.js';

export interface InboxRow {
  id: string;
  status: InboxTable['status'];
  body: string;
  mapped: unknown;
}

export function inboxIdOf(job: Job): string {
  const payload = job.payload as { inboxId?: unknown } | null;
  const id = payload?.inboxId;
  if (typeof id !== 'string' || id.length === 0) {
    throw new PipelineError('invalid_job', `job ${job.id} (${job.kind}): payload.inboxId must be a non-empty string`);
  }
  return id;
}

export async function loadInboxRow(db: Kysely<Database>, id: string): Promise<InboxRow> {
  const row = await db
    .selectFrom('inbox')
    .select(['id', 'status', 'body', 'mapped'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new PipelineError('inbox_row_missing', `inbox row ${id} does not exist (pruned or never stored)`);
  return {
    id: row.id,
    status: row.status,
    body: row.body,
    mapped: row.mapped === null ? null : JSON.parse(row.mapped),
  };
}

export async function markInbox(
  db: Kysely<Database>,
  id: string,
  status: 'processed' | 'failed',
  now: number,
  error: string | null = null,
): Promise<void> {
  await db.updateTable('inbox').set({ status, processed_at: now, error }).where('id', '=', id).execute();
}

/** The row's final state when it ran or started no run; a reason says why nothing ran. */
export async function settleInbox(
  db: Kysely<Database>,
  id: string,
  status: 'processed' | 'ignored' | 'skipped',
  now: number,
  reason: InboxReason | null,
): Promise<void> {
  await db
    .updateTable('inbox')
    .set({ status, processed_at: now, error: null, reason_code: reason?.code ?? null, reason: reason?.message ?? null })
    .where('id', '=', id)
    .execute();
}

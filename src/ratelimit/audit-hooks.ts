/**
 * The audit trail of every HighLevel call (who or what made it, which scope, with what result):
 * one `highlevel_calls` row per attempt, so retries and 429s show up as what they were. Only ids,
 * the operation, status and error code are stored; never bodies, tokens or attendee data.
 *
 * A failed insert is logged, not thrown: the client lets afterAttempt errors propagate, and a send
 * that HighLevel accepted must never look failed (and be retried into a duplicate) because the
 * audit table was unavailable.
 *
 * Paced calls on PostgreSQL write the row in the same statement as the answer's write to the rate
 * bucket (rate-limited-hooks.ts, `RideAlongInsert`): one round trip fewer per HighLevel call.
 */
import { type Kysely, sql } from 'kysely';
import type { AfterAttemptInfo } from '../highlevel/client-types.js';
import { KNOWN_OPERATIONS } from '../highlevel/operation-catalog.js';
import { type Logger, silentLogger } from '../lib/create-logger.js';
import { compiledStatement, runStatement } from '../store/compiled-statement.js';
import type { Database } from '../store/schema.js';
import { newSortableId } from '../store/sortable-id.js';
import type { RideAlongInsert } from './types.js';

export interface AuditHooksOptions {
  db: Kysely<Database>;
  /** Who or what made the calls: a user id, a workflow run id, `cli`; or a function of the attempt. */
  actor: string | ((info: AfterAttemptInfo) => string);
  now?: () => number;
  newId?: () => string;
  logger?: Logger;
}

/** Scopes per operation from the generated catalog (CONVERSATION_OPERATIONS plus contacts), space-separated as in OAuth. */
const SCOPE_BY_OPERATION = new Map(KNOWN_OPERATIONS.map((op) => [op.operationId, op.scopes.join(' ') || null]));

/**
 * One row per attempt, compiled once per database instead of built for every call
 * (src/store/compiled-statement.ts). The id is the attempt's own, so a row written twice (its
 * ride-along statement succeeded, then the rest of the answer's bookkeeping failed) stays one row.
 */
const insertCall = (p: readonly number[]) =>
  sql`insert into highlevel_calls (id, at, actor, location_id, operation_id, scope, status, error_code, attempt, duration_ms)
  values (${p[0]}, ${p[1]}, ${p[2]}, ${p[3]}, ${p[4]}, ${p[5]}, ${p[6]}, ${p[7]}, ${p[8]}, ${p[9]})
  on conflict (id) do nothing`;

export function scopeOf(operationId: string): string | null {
  return SCOPE_BY_OPERATION.get(operationId) ?? null;
}

export interface AttemptAudit {
  /** Writes the attempt's row (what a composed hook set runs). */
  afterAttempt: (info: AfterAttemptInfo) => Promise<void>;
  /** The attempt's row as an insert that can ride in the rate bucket's statement (rate-limited-hooks.ts). */
  rowFor: (info: AfterAttemptInfo) => RideAlongInsert;
  /** Writes a row from rowFor() on its own; a failure is logged, never thrown. */
  write: (row: RideAlongInsert) => Promise<void>;
}

export function auditHooks(options: AuditHooksOptions): AttemptAudit {
  if (typeof options?.db?.insertInto !== 'function') {
    throw new TypeError('auditHooks: options.db (the Kysely store) is required');
  }
  const { actor } = options;
  if (!(typeof actor === 'function' || (typeof actor === 'string' && actor.length > 0))) {
    throw new TypeError('auditHooks: options.actor must be a non-empty string or a function of the attempt');
  }
  const db = options.db;
  const now = options.now ?? Date.now;
  const newId = options.newId ?? newSortableId;
  const logger = options.logger ?? silentLogger();

  function rowFor(info: AfterAttemptInfo): RideAlongInsert {
    return {
      key: 'insertHighLevelCall',
      build: insertCall,
      values: [
        newId(),
        now() - info.durationMs,
        typeof actor === 'function' ? actor(info) : actor,
        info.locationId,
        info.operationId,
        scopeOf(info.operationId),
        info.status,
        info.error?.code ?? null,
        info.attempt,
        Math.max(0, Math.round(info.durationMs)),
      ],
    };
  }

  async function write(row: RideAlongInsert): Promise<void> {
    try {
      await runStatement(db, compiledStatement(db, row.key, row.build, row.values.length), row.values);
    } catch (error) {
      const [, , , locationId, operationId] = row.values;
      logger.error({ err: error, operationId, locationId }, 'HighLevel call audit row not written');
    }
  }

  return { rowFor, write, afterAttempt: (info) => write(rowFor(info)) };
}

/**
 * The audit log of HighLevel calls (who or what called, which scope, the result) for admins:
 * `highlevel_calls` newest first, keyset paged on (at, id), with filters. Actors are stored as
 * `user:<id>` for console users (console-deps.ts `actorOf`), a workflow run id, or `cli`; user
 * actors are shown by email.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, HighlevelCallsTable } from '../../store/schema.js';
import { decodeCursor, type KeysetPage, toPage } from './keyset-cursor.js';

export interface AuditQuery {
  /** An actor as stored (`user:<id>`, a run id, `cli`) or a console user's email. */
  actor?: string;
  operation?: string;
  /** A 3-digit HTTP status, `ok` (2xx) or `failed` (4xx/5xx, or no response at all). */
  status?: string;
  locationId?: string;
  limit: number;
  cursor?: string | null;
}

export interface AuditEntry {
  id: string;
  at: number;
  actor: string;
  /** The user's email for `user:<id>` actors; otherwise the actor itself. */
  actorLabel: string;
  operation: string;
  scope: string | null;
  locationId: string | null;
  status: number | null;
  errorCode: string | null;
  attempt: number;
  durationMs: number;
}

const USER_PREFIX = 'user:';

export async function listAudit(db: Kysely<Database>, query: AuditQuery): Promise<KeysetPage<AuditEntry>> {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const actor = query.actor ? await storedActor(db, query.actor) : null;
  const rows = await db
    .selectFrom('highlevel_calls')
    .selectAll()
    .$if(actor !== null, (qb) => qb.where('actor', '=', actor as string))
    .$if(Boolean(query.operation), (qb) => qb.where('operation_id', '=', query.operation as string))
    .$if(Boolean(query.locationId), (qb) => qb.where('location_id', '=', query.locationId as string))
    .$if(query.status === 'ok', (qb) => qb.where('status', '>=', 200).where('status', '<', 300))
    .$if(query.status === 'failed', (qb) =>
      qb.where((eb) => eb.or([eb('status', 'is', null), eb('status', '>=', 400)])),
    )
    .$if(/^\d{3}$/.test(query.status ?? ''), (qb) => qb.where('status', '=', Number(query.status)))
    .$if(after !== null, (qb) => {
      const [at, id] = after as [number, string];
      return qb.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', id)])]));
    })
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const emails = await userEmails(
    db,
    rows.map((row) => row.actor),
  );
  return toPage(
    rows,
    query.limit,
    (row) => [Number(row.at), row.id],
    (row) => toEntry(row, emails),
  );
}

/** An email typed into the filter means that user's `user:<id>` actor. */
async function storedActor(db: Kysely<Database>, actor: string): Promise<string> {
  if (!actor.includes('@')) return actor;
  const user = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', actor.trim().toLowerCase())
    .executeTakeFirst();
  return user ? USER_PREFIX + user.id : actor;
}

async function userEmails(db: Kysely<Database>, actors: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(actors.filter((a) => a.startsWith(USER_PREFIX)).map((a) => a.slice(USER_PREFIX.length)))];
  if (ids.length === 0) return new Map();
  const users = await db.selectFrom('users').select(['id', 'email']).where('id', 'in', ids).execute();
  return new Map(users.map((u) => [USER_PREFIX + u.id, u.email]));
}

function toEntry(row: Selectable<HighlevelCallsTable>, emails: Map<string, string>): AuditEntry {
  return {
    id: row.id,
    at: Number(row.at),
    actor: row.actor,
    actorLabel: emails.get(row.actor) ?? row.actor,
    operation: row.operation_id,
    scope: row.scope,
    locationId: row.location_id,
    status: row.status === null ? null : Number(row.status),
    errorCode: row.error_code,
    attempt: Number(row.attempt),
    durationMs: Number(row.duration_ms),
  };
}

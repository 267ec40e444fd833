/**
 * The thread page's attendee panel: who the conversation's contact is in Accelevents. The links and
 * preference answers come from the attendee read behind GET /api/attendees/{id} (read-attendee.ts, with
 * its sponsor rule); the event name and ticket type from the workflow runs parley made for the
 * attendee, whose inputs carry what Accelevents sent; checked in when the check-in welcome linked them.
 * Runs are found by their trigger key, which ends in the attendee's email or id
 * (src/jobs/accelevents-event-data.ts), or names an inbound message of the conversation.
 */
import { type Kysely, sql } from 'kysely';
import { likeLiteral } from '../../search/search-filters.js';
import type { Database } from '../../store/schema.js';
import { mayDeleteNotes } from '../attendees/delete-note.js';
import { getAttendeeForCaller } from '../attendees/read-attendee.js';
import type { Caller } from '../auth/resolve-caller.js';
import { ROLE_PERMISSIONS } from '../auth/roles.js';
import type { ConsoleDeps } from '../console-deps.js';
import { ConsoleError } from '../console-error.js';
import type { ConversationView } from '../conversations/views.js';

export interface PanelEvent {
  eventKey: string;
  eventName: string | null;
  ticketType: string | null;
  registeredAt: number | null;
  checkedInAt: number | null;
}

export interface PanelRun {
  runId: string;
  workflow: string;
  status: string;
  startedAt: number;
  /** The admin run page; null for a caller who may not open admin pages. */
  url: string | null;
}

export interface AttendeePanel {
  attendeeIds: string[];
  events: PanelEvent[];
  preferences: { key: string; value: string | null; raw: string | null; answeredAt: number }[];
  /** Notes on the thread's contact, newest first; null for a sponsor, who sees none. */
  /** `deleteUrl`: DELETE /api/notes/{id}, for a caller who may delete notes; else null. */
  notes: { id: string; body: string; source: string; createdAt: number; deleteUrl: string | null }[] | null;
  runs: PanelRun[];
}

/** Runs shown, newest first; the admin runs page has the rest. */
export const PANEL_RUNS = 10;
/** Inbound messages of the conversation whose runs (preference replies) are looked for. */
const RECENT_INBOUND = 20;

interface RunRow {
  id: string;
  workflow: string;
  trigger_key: string;
  status: string;
  started_at: number | string;
  input: string;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

async function runsOf(db: Kysely<Database>, identities: readonly string[], conversationId: string): Promise<RunRow[]> {
  const inbound = await db
    .selectFrom('index_messages')
    .select('message_id')
    .where('conversation_id', '=', conversationId)
    .where('direction', '=', 'inbound')
    .orderBy('created_at', 'desc')
    .limit(RECENT_INBOUND)
    .execute();
  // A key ends in the identity, or has it before a last part (a session id, a ticket status).
  const patterns = [
    ...identities.flatMap((id) => [`%:${likeLiteral(id)}`, `%:${likeLiteral(id)}:%`]),
    ...inbound.map((m) => `%:message:${likeLiteral(m.message_id)}`),
  ];
  if (patterns.length === 0) return [];
  return db
    .selectFrom('workflow_runs')
    .select(['id', 'workflow', 'trigger_key', 'status', 'started_at', 'input'])
    .where((eb) => eb.or(patterns.map((pattern) => sql<boolean>`trigger_key like ${pattern} escape '\\'`)))
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(50)
    .execute();
}

/** What the run's trigger said about the attendee's event and ticket (run inputs, src/workflows/run-workflow.ts). */
function factsOf(run: RunRow): { eventKey: string | null; eventName: string | null; ticketType: string | null } {
  let input: unknown = null;
  try {
    input = JSON.parse(run.input);
  } catch {
    input = null;
  }
  const data = record(record(input).data);
  const event = record(data.event);
  return {
    eventKey: text(event.key) ?? text(event.url) ?? text(event.id),
    eventName: text(event.name),
    ticketType: text(record(data.attendee).ticketType),
  };
}

/**
 * The panel for the thread's contact; null when no Accelevents attendee is linked to the contact, or
 * the caller may not see the attendee.
 */
export async function attendeePanelFor(
  deps: Pick<ConsoleDeps, 'db' | 'config'>,
  caller: Caller,
  conversation: ConversationView,
): Promise<AttendeePanel | null> {
  if (conversation.contactId === null) return null;
  let attendee: Awaited<ReturnType<typeof getAttendeeForCaller>>;
  try {
    attendee = await getAttendeeForCaller(deps, caller, conversation.contactId);
  } catch (error) {
    if (error instanceof ConsoleError && (error.code === 'not_found' || error.code === 'forbidden')) return null;
    throw error;
  }
  const links = attendee.links.filter((link) => link.locationId === conversation.locationId);
  if (links.length === 0) return null;
  const attendeeIds = [...new Set(links.map((link) => link.attendeeId))];
  const email = attendee.email ?? conversation.contactEmail;
  const runs = await runsOf(deps.db, [...attendeeIds, ...(email ? [email] : [])], conversation.conversationId);

  const events = new Map<string, PanelEvent>();
  for (const link of links) {
    const event = events.get(link.eventKey) ?? {
      eventKey: link.eventKey,
      eventName: null,
      ticketType: null,
      registeredAt: null,
      checkedInAt: null,
    };
    if (link.checkIn) event.checkedInAt = link.linkedAt;
    else event.registeredAt = link.linkedAt;
    events.set(link.eventKey, event);
  }
  // Newest first, so each event takes the latest name and ticket type Accelevents sent.
  for (const run of runs) {
    const facts = factsOf(run);
    const event = facts.eventKey === null ? undefined : events.get(facts.eventKey);
    if (!event) continue;
    event.eventName ??= facts.eventName;
    event.ticketType ??= facts.ticketType;
  }
  const admin = ROLE_PERMISSIONS[caller.role].admin;
  return {
    attendeeIds,
    events: [...events.values()],
    preferences: attendee.preferences
      .filter((answer) => answer.locationId === conversation.locationId && answer.contactId === conversation.contactId)
      .map(({ key, value, raw, answeredAt }) => ({ key, value, raw, answeredAt })),
    notes:
      attendee.notes
        ?.filter((note) => note.locationId === conversation.locationId && note.contactId === conversation.contactId)
        .map(({ id, body, source, createdAt }) => ({
          id,
          body,
          source,
          createdAt,
          deleteUrl: mayDeleteNotes(caller.role) ? `/api/notes/${encodeURIComponent(id)}` : null,
        })) ?? null,
    runs: runs.slice(0, PANEL_RUNS).map((run) => ({
      runId: run.id,
      workflow: run.workflow,
      status: run.status,
      startedAt: Number(run.started_at),
      url: admin ? `/console/admin/runs/${encodeURIComponent(run.id)}` : null,
    })),
  };
}

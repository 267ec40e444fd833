/**
 * What `parley simulate` reads from parley's store to follow the run: the attendee links the welcome
 * and check-in workflows save, the preferences the reply workflow stores, the processed inbound
 * messages, and the jobs that were dead-lettered.
 */
import type { Store } from '../../store/open-database.js';

/** attendee_links.event_key prefix of check-in links (workflows/builtin/checkin-welcome.yaml). */
const CHECK_IN_PREFIX = 'check-in:';

export interface AttendeeLink {
  contactId: string | null;
  conversationId: string | null;
  messageId: string | null;
}

/** Registration (`kind: 'registration'`) or check-in links of the attendees, by attendee id. */
export async function linksOf(
  store: Store,
  attendeeIds: readonly string[],
  kind: 'registration' | 'check-in',
): Promise<Map<string, AttendeeLink>> {
  if (attendeeIds.length === 0) return new Map();
  const rows = await store.db
    .selectFrom('attendee_links')
    .selectAll()
    .where('attendee_id', 'in', [...attendeeIds])
    .execute();
  const links = new Map<string, AttendeeLink>();
  for (const row of rows) {
    if (row.event_key.startsWith(CHECK_IN_PREFIX) !== (kind === 'check-in')) continue;
    links.set(row.attendee_id, {
      contactId: row.contact_id,
      conversationId: row.conversation_id,
      messageId: row.welcome_message_id,
    });
  }
  return links;
}

/** How many of the links have their message sent. */
export function sentCount(links: Map<string, AttendeeLink>): number {
  return [...links.values()].filter((link) => link.messageId !== null).length;
}

/** How many of the contacts have an answer to the check-in question stored (key `updates`). */
export async function preferencesStored(store: Store, contactIds: readonly string[]): Promise<number> {
  if (contactIds.length === 0) return 0;
  const rows = await store.db
    .selectFrom('preferences')
    .select('contact_id')
    .where('key', '=', 'updates')
    .where('contact_id', 'in', [...contactIds])
    .execute();
  return new Set(rows.map((row) => row.contact_id)).size;
}

/** How many of the inbound messages parley has received and finished with. */
export async function processedInbound(store: Store, messageIds: readonly string[], since: number): Promise<number> {
  if (messageIds.length === 0) return 0;
  const wanted = new Set(messageIds);
  const rows = await store.db
    .selectFrom('inbox')
    .select(['body', 'status'])
    .where('source', '=', 'highlevel')
    .where('received_at', '>=', since)
    .execute();
  const done = new Set<string>();
  for (const row of rows) {
    if (row.status === 'received') continue;
    const messageId = (JSON.parse(row.body) as { messageId?: unknown }).messageId;
    if (typeof messageId === 'string' && wanted.has(messageId)) done.add(messageId);
  }
  return done.size;
}

export async function deadLetters(store: Store, since: number): Promise<string[]> {
  const rows = await store.db
    .selectFrom('jobs')
    .select('last_error')
    .where('status', '=', 'dead')
    .where('created_at', '>=', since)
    .execute();
  return rows.map((row) => row.last_error ?? '(no error recorded)');
}

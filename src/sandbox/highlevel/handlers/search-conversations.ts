/** search-conversation: filters, sort and keyset paging over one location. */
import type { components } from '../../../highlevel/generated/conversations.js';
import type { ConversationRecord, MessageRecord } from '../state/records.js';
import type { SandboxState } from '../state/sandbox-state.js';
import { isAutomated } from '../state/write-message.js';
import { assertLocation } from './access.js';
import { badRequest } from './domain-error.js';
import type { HandlerDeps, HandlerMap } from './handler-deps.js';
import { parseLimit } from './list-limit.js';
import { conversationSearchItem, lastMessageDate, lastMessageOf, lastMessageType } from './views.js';

type Schemas = components['schemas'];

/**
 * Live search items carry `lastMessageDate` (ms) and `sort` (the document's sort values, what
 * `startAfterDate` wants back), which ConversationSchema omits, so the spec gives no way to page.
 * `lastMessageDirection` is another live field third-party code reads.
 */
export type SearchItem = Schemas['ConversationSchema'] & {
  lastMessageDate: number;
  lastMessageDirection?: 'inbound' | 'outbound';
  sort: number[];
};

const DEFAULT_LIMIT = 20; // "Limit of conversations - Default is 20" (the spec)
const MAX_LIMIT = 100; // not documented; the sandbox caps pages like the other list endpoints

export function searchHandlers({ state }: HandlerDeps): HandlerMap {
  return {
    'search-conversation': (req) => {
      const q = req.query;
      const locationId = String(q.locationId ?? '');
      assertLocation(req.principal, locationId);
      const limit = parseLimit(q.limit, { default: DEFAULT_LIMIT, max: MAX_LIMIT });
      const matches = candidates(state, locationId, q).filter(buildFilter(state, q));
      const sortValue = sortValueOf(state, String(q.sortBy ?? 'last_message_date'));
      const ascending = q.sort === 'asc';
      const after = startAfter(q.startAfterDate);

      const keyed = matches.map((c) => ({ c, key: sortValue(c) }));
      keyed.sort((a, b) => (ascending ? a.key - b.key : b.key - a.key) || a.c.id.localeCompare(b.c.id));
      // Keyset paging: items strictly beyond the previous page's last sort value. Items sharing that exact
      // value are skipped, as with any single-value search-after; the sandbox's clock-driven dates rarely tie.
      const page = keyed.filter(({ key }) => after === undefined || (ascending ? key > after : key < after));
      const conversations: SearchItem[] = page.slice(0, limit).map(({ c, key }) => {
        const last = lastMessageOf(state, c);
        return {
          ...conversationSearchItem(state, c, state.contacts.get(c.contactId)),
          lastMessageDate: lastMessageDate(state, c),
          ...(last ? { lastMessageDirection: last.direction } : {}),
          sort: [key],
        };
      });
      return { status: 200, body: { conversations, total: matches.length } };
    },
  };
}

/** `id` and `contactId` pick at most one conversation through the indexes; otherwise the location's conversations. */
function candidates(state: SandboxState, locationId: string, q: Record<string, any>): ConversationRecord[] {
  const one = q.id
    ? state.conversations.get(String(q.id))
    : q.contactId
      ? state.conversations.ofContact(String(q.contactId))
      : null;
  if (one === null) return [...state.conversations.inLocation(locationId)];
  return one && one.locationId === locationId ? [one] : [];
}

/** `startAfterDate` is a number or an array of numbers (patched spec); the first value is the date. */
function startAfter(raw: unknown): number | undefined {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n))
    throw badRequest(`startAfterDate must be the sort value (ms) of the last item, got ${String(value)}`);
  return n;
}

/**
 * `score_profile`, `overdue_at` and `due_at` need data the sandbox does not keep, so they sort like
 * `last_message_date`. `last_manual_message_date` uses the newest non-automated message.
 */
function sortValueOf(state: SandboxState, sortBy: string): (c: ConversationRecord) => number {
  if (sortBy === 'last_manual_message_date') return (c) => c.lastManualMessageDate ?? 0;
  return (c) => lastMessageDate(state, c);
}

function lastOutbound(state: SandboxState, c: ConversationRecord): MessageRecord | undefined {
  const thread = state.messages.thread(c.id);
  for (let i = thread.length - 1; i >= 0; i--) {
    const m = thread[i]!;
    if (m.direction === 'outbound' && m.status !== 'scheduled' && m.status !== 'cancelled') return m;
  }
  return undefined;
}

function buildFilter(state: SandboxState, q: Record<string, any>): (c: ConversationRecord) => boolean {
  const checks: ((c: ConversationRecord) => boolean)[] = [];
  if (q.contactId) checks.push((c) => c.contactId === q.contactId);
  if (q.id) checks.push((c) => c.id === q.id);
  if (q.startDate !== undefined) checks.push((c) => c.dateAdded >= Number(q.startDate));
  if (q.endDate !== undefined) checks.push((c) => c.dateAdded <= Number(q.endDate));
  if (q.status === 'read') checks.push((c) => c.unreadCount === 0);
  if (q.status === 'unread') checks.push((c) => c.unreadCount > 0);
  if (q.status === 'starred') checks.push((c) => c.starred);
  // `all` and `recents` do not filter; recents differs only in ordering, which is already by recency.
  if (q.assignedTo) {
    const wanted = String(q.assignedTo)
      .split(',')
      .map((s) => s.trim());
    const unassigned = wanted.includes('unassigned');
    checks.push((c) => (c.assignedTo === null ? unassigned : wanted.includes(c.assignedTo)));
  }
  // The sandbox keeps no followers, mentions or score profiles, so filtering on them matches nothing.
  if (q.followers || q.mentions || q.scoreProfile) checks.push(() => false);
  if (q.lastMessageType) {
    checks.push((c) => lastMessageType(state, c) === q.lastMessageType);
  }
  if (q.lastMessageDirection) checks.push((c) => lastMessageOf(state, c)?.direction === q.lastMessageDirection);
  if (q.lastMessageAction) {
    const automated = q.lastMessageAction === 'automated';
    checks.push((c) => {
      const m = lastOutbound(state, c);
      return m !== undefined && isAutomated(m) === automated;
    });
  }
  if (q.query) {
    const needle = String(q.query).toLowerCase();
    checks.push((c) => {
      const contact = state.contacts.get(c.contactId);
      const haystack = [contact?.name, contact?.email, contact?.phone, lastMessageOf(state, c)?.body];
      return haystack.some((s) => typeof s === 'string' && s.toLowerCase().includes(needle));
    });
  }
  return (c) => checks.every((check) => check(c));
}

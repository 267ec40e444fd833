/** export-messages-by-location: cursor-paged messages of a location, with filters. */
import type { components } from '../../../highlevel/generated/conversations.js';
import type { MessageRecord, MessageType } from '../state/records.js';
import { assertLocation } from './access.js';
import { badRequest } from './domain-error.js';
import type { HandlerDeps, HandlerMap } from './handler-deps.js';
import { parseLimit } from './list-limit.js';
import { EXPORT_CHANNELS, isEmailType } from './message-types.js';
import { type MessageDto, messageDto } from './views.js';

type Schemas = components['schemas'];

/** The spec gives no default or maximum page size; these are ours. */
const LIMITS = { default: 100, max: 500 };

interface Cursor {
  value: number;
  seq: number;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(raw: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (typeof parsed.value === 'number' && typeof parsed.seq === 'number') return parsed;
  } catch {
    // fall through to the error below
  }
  throw badRequest('cursor must be a nextCursor value returned by this endpoint');
}

/** startDate/endDate are typed string: accept ms since the epoch or an ISO 8601 date. */
function parseDate(raw: unknown, field: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = /^\d+$/.test(String(raw)) ? Number(raw) : Date.parse(String(raw));
  if (Number.isNaN(n)) throw badRequest(`${field} must be ms since the epoch or an ISO 8601 date, got ${String(raw)}`);
  return n;
}

export function exportHandlers({ state }: HandlerDeps): HandlerMap {
  return {
    'export-messages-by-location': (req) => {
      const q = req.query;
      const locationId = String(q.locationId ?? '');
      assertLocation(req.principal, locationId);
      const limit = parseLimit(q.limit, LIMITS);
      const byUpdated = q.sortBy === 'updatedAt';
      const ascending = q.sortOrder === 'asc';
      const start = parseDate(q.startDate, 'startDate');
      const end = parseDate(q.endDate, 'endDate');
      const value = (m: MessageRecord) => (byUpdated ? m.dateUpdated : m.dateAdded);
      // "If [channel is] not provided, all non-email message types will be returned" (the spec).
      const channelTypes: readonly MessageType[] | null = q.channel
        ? (EXPORT_CHANNELS[q.channel as keyof typeof EXPORT_CHANNELS] ?? [])
        : null;

      // Narrow the scan with the conversation or contact index when the filter allows it.
      let source: readonly MessageRecord[];
      if (q.conversationId) source = state.messages.thread(String(q.conversationId));
      else if (q.contactId) {
        const conversation = state.conversations.ofContact(String(q.contactId));
        source = conversation ? state.messages.thread(conversation.id) : [];
      } else source = state.messages.inLocation(locationId);

      const matches = source.filter(
        (m) =>
          m.locationId === locationId &&
          m.status !== 'cancelled' &&
          (!q.contactId || m.contactId === q.contactId) &&
          (channelTypes ? channelTypes.includes(m.messageType) : !isEmailType(m.messageType)) &&
          (start === undefined || value(m) >= start) &&
          (end === undefined || value(m) <= end),
      );
      const sign = ascending ? 1 : -1;
      matches.sort((a, b) => sign * (value(a) - value(b) || a.seq - b.seq));

      let from = 0;
      if (q.cursor) {
        const c = decodeCursor(String(q.cursor));
        const beyond = (m: MessageRecord) => sign * (value(m) - c.value || m.seq - c.seq) > 0;
        from = matches.findIndex(beyond);
        if (from < 0) from = matches.length;
      }
      const page = matches.slice(from, from + limit);
      const last = page[page.length - 1];
      const more = from + limit < matches.length;
      // nextCursor is null at the end ("Null if no more results") although the schema types it string.
      const body: Omit<Schemas['ExportMessagesResponseDto'], 'nextCursor' | 'messages'> & {
        messages: MessageDto[];
        nextCursor: string | null;
      } = {
        messages: page.map(messageDto),
        nextCursor: more && last ? encodeCursor({ value: value(last), seq: last.seq }) : null,
        total: matches.length,
      };
      return { status: 200, body };
    },
  };
}

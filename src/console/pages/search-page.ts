/**
 * GET /console: the conversation search. A plain GET form (shareable URLs, works without JS) whose
 * filters map onto the read service's query; results come from `searchForCaller`, which already
 * limits a sponsor to the sponsor channel. Topic hits arrive from the index with the matched words
 * in [brackets]; they are HTML-escaped first and only then turned into <mark>, so attendee text
 * never becomes markup. A filter that cannot be searched (a bad date, a date range the wrong way
 * round) is said on the page as a sentence with a 400; the listed conversations follow their live
 * events (console.js), so one with new activity is marked.
 */
import type { FastifyInstance } from 'fastify';
import type { ParleyErrorOptions } from '../../lib/parley-error.js';
import { toConsoleError } from '../api/api-error-handler.js';
import { ROLES } from '../auth/roles.js';
import type { ConsoleDeps } from '../console-deps.js';
import { ConsoleError } from '../console-error.js';
import { searchForCaller } from '../conversations/read-conversations.js';
import type { ConversationSearchQuery } from '../conversations/views.js';
import { pageCaller, sendErrorPage } from './error-page.js';
import { requirePageRole } from './page-auth.js';
import { sendPage } from './render-page.js';

/** The API's default page size; `?limit=` (1–100, like GET /api/conversations) overrides it. */
const PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 100;
const DAY_MS = 86_400_000;
const FILTERS = ['email', 'name', 'attendeeId', 'topic', 'status', 'event', 'from', 'to', 'limit'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number] | 'cursor', string>>;

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes a snippet, then marks the index's `[word]` brackets. The result is safe to output raw. */
export function highlightMatches(snippet: string): string {
  const escaped = snippet.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
  return escaped.replace(/\[([^[\]]+)\]/g, '<mark>$1</mark>');
}

const DATE_LABELS = { from: 'Last message from', to: 'Last message to' } as const;

/** A `YYYY-MM-DD` date input as epoch ms (UTC): the start of the day, or its last millisecond for `to`. */
function parseDay(value: string, field: 'from' | 'to'): number {
  const start = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
  if (!Number.isFinite(start)) {
    throw new PageInputError(
      `"${DATE_LABELS[field]}" must be a date like 2026-03-31, not "${value}". Pick a day in the date field, or clear it.`,
    );
  }
  return field === 'from' ? start : start + DAY_MS - 1;
}

/** A filter the page itself refuses before searching; said on the page with a 400. */
class PageInputError extends ConsoleError {
  constructor(message: string, options: ParleyErrorOptions = {}) {
    super('invalid_request', message, options);
  }
}

function parseLimit(value: string | undefined): number {
  if (value === undefined) return PAGE_SIZE;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new PageInputError(
      `The page size (limit) must be a whole number from 1 to ${MAX_PAGE_SIZE}, not "${value}". Remove it from the address to get ${PAGE_SIZE} per page.`,
    );
  }
  return limit;
}

/** Only non-empty string parameters we know; anything else in the URL is ignored. */
function readFilters(raw: unknown): Filters {
  const source = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const filters: Filters = {};
  for (const key of [...FILTERS, 'cursor'] as const) {
    const value = source[key];
    if (typeof value === 'string' && value.trim() !== '') filters[key] = value.trim();
  }
  return filters;
}

function toQuery(filters: Filters): ConversationSearchQuery {
  const query: ConversationSearchQuery = { limit: parseLimit(filters.limit), cursor: filters.cursor ?? null };
  if (filters.email) query.email = filters.email;
  if (filters.name) query.name = filters.name;
  if (filters.attendeeId) query.attendeeId = filters.attendeeId;
  if (filters.topic) query.topic = filters.topic;
  if (filters.event) query.event = filters.event;
  if (filters.status) {
    if (filters.status !== 'read' && filters.status !== 'unread' && filters.status !== 'starred') {
      throw new PageInputError(
        `Status must be Any, Read, Unread or Starred, not "${filters.status}". Pick one from the list.`,
      );
    }
    query.status = filters.status;
  }
  if (filters.from) query.from = parseDay(filters.from, 'from');
  if (filters.to) query.to = parseDay(filters.to, 'to');
  // The API answers this with a 400 (read-query.ts); searching anyway would only say "no conversations".
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
    throw new PageInputError(
      `"${DATE_LABELS.from}" (${filters.from}) is after "${DATE_LABELS.to}" (${filters.to}), so no conversation can match. Pick a "from" day on or before the "to" day.`,
    );
  }
  return query;
}

/** The same filters with the next cursor, for the "Next page" link. */
function nextPageUrl(filters: Filters, cursor: string): string {
  const params = new URLSearchParams();
  for (const key of FILTERS) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  params.set('cursor', cursor);
  return `/console?${params.toString()}`;
}

/** The live events of the listed conversations (GET /api/events), so the list can mark new activity. */
function eventsUrl(conversationIds: string[]): string {
  const params = new URLSearchParams();
  for (const id of conversationIds) params.append('conversationId', id);
  return `/api/events?${params.toString()}`;
}

function filterSentence(error: ConsoleError): string {
  if (error.details.field === 'cursor') {
    return 'This page of results is out of date. Search again from the first page.';
  }
  const said = error.message.charAt(0).toUpperCase() + error.message.slice(1);
  return `${said.replace(/\.?$/, '.')} Change that filter and search again.`;
}

export function registerSearchPage(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get('/console', { preHandler: requirePageRole(...ROLES) }, async (request, reply) => {
    const caller = pageCaller(request);
    const filters = readFilters(request.query);
    const context = { title: 'Conversations', nav: 'search', filters, searched: Object.keys(filters).length > 0 };
    let query: ConversationSearchQuery;
    try {
      query = toQuery(filters);
    } catch (error) {
      if (!(error instanceof PageInputError)) throw error;
      return sendPage(reply, 'search', caller, { ...context, inputError: error.message, results: [] }, 400);
    }
    try {
      const page = await searchForCaller(deps, caller, query);
      const results = page.items.map((item) => ({
        ...item,
        matchesHtml: item.matches.map(highlightMatches),
      }));
      return sendPage(reply, 'search', caller, {
        ...context,
        results,
        nextUrl: page.nextCursor ? nextPageUrl(filters, page.nextCursor) : null,
        eventsUrl: results.length > 0 ? eventsUrl(results.map((r) => r.conversationId)) : null,
      });
    } catch (error) {
      // A filter the search refused (a stale cursor, a bad value) is said on the search page itself.
      const mapped = toConsoleError(error);
      if (mapped?.code === 'invalid_request') {
        return sendPage(reply, 'search', caller, { ...context, inputError: filterSentence(mapped), results: [] }, 400);
      }
      return sendErrorPage(request, reply, caller, error);
    }
  });
}

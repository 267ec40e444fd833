/**
 * GET /console: the conversation search. A plain GET form (shareable URLs, works without JS) whose
 * filters map onto the read service's query; results come from `searchForCaller`, which already
 * limits a sponsor to the sponsor channel. Topic hits arrive from the index with the matched words
 * in [brackets]; they are HTML-escaped first and only then turned into <mark>, so attendee text
 * never becomes markup.
 */
import type { FastifyInstance } from 'fastify';
import { ROLES } from '../auth/roles.js';
import type { ConsoleDeps } from '../console-deps.js';
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

/** A `YYYY-MM-DD` date input as epoch ms (UTC): the start of the day, or its last millisecond for `to`. */
function parseDay(value: string, field: 'from' | 'to'): number {
  const start = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
  if (!Number.isFinite(start)) throw new PageInputError(`${field} must be a date like 2026-03-31, got "${value}"`);
  return field === 'from' ? start : start + DAY_MS - 1;
}

class PageInputError extends Error {}

function parseLimit(value: string | undefined): number {
  if (value === undefined) return PAGE_SIZE;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new PageInputError(`limit must be a whole number from 1 to ${MAX_PAGE_SIZE}, got "${value}"`);
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
      throw new PageInputError(`status must be any, read, unread or starred, got "${filters.status}"`);
    }
    query.status = filters.status;
  }
  if (filters.from) query.from = parseDay(filters.from, 'from');
  if (filters.to) query.to = parseDay(filters.to, 'to');
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
      });
    } catch (error) {
      return sendErrorPage(request, reply, caller, error);
    }
  });
}

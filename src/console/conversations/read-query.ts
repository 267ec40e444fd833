/**
 * JSON schemas of the read routes' parameters (Fastify validates them: a bad value is a 400 naming the
 * field, api-error-handler.ts) and the one conversion a schema cannot do: `from`/`to` as an ISO date
 * or epoch milliseconds.
 */
import { ConsoleError } from '../console-error.js';
import type { ConversationSearchQuery } from './views.js';

export const MAX_PAGE_LIMIT = 100;
export const DEFAULT_PAGE_LIMIT = 25;

const limit = {
  type: 'integer',
  minimum: 1,
  maximum: MAX_PAGE_LIMIT,
  default: DEFAULT_PAGE_LIMIT,
  description: `Items per page, 1–${MAX_PAGE_LIMIT}.`,
} as const;
const cursor = { type: 'string', minLength: 1, description: 'The nextCursor of the previous page.' } as const;
const id = { type: 'string', minLength: 1, maxLength: 200 } as const;
const time = {
  type: 'string',
  minLength: 1,
  description: 'An ISO 8601 date or date-time, or epoch milliseconds.',
} as const;

export const searchQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    attendeeId: { ...id, description: 'The attendee: their Accelevents attendee id or their HighLevel contact id.' },
    email: { type: 'string', pattern: '@', maxLength: 320, description: 'Attendee email (exact, any case).' },
    name: { type: 'string', minLength: 1, maxLength: 200, description: 'Part of the attendee name.' },
    topic: { type: 'string', minLength: 1, maxLength: 500, description: 'Words in message bodies or transcripts.' },
    status: { type: 'string', enum: ['read', 'unread', 'starred'] },
    event: { type: 'string', minLength: 1, maxLength: 500, description: 'Accelevents event URL.' },
    from: { ...time, description: `Last message at or after this. ${time.description}` },
    to: { ...time, description: `Last message at or before this. ${time.description}` },
    locationId: id,
    limit,
    cursor,
  },
} as const;

/** GET /api/events: the conversations to follow (a single id arrives as a one-item list). */
export const eventsQuerySchema = {
  type: 'object',
  required: ['conversationId'],
  additionalProperties: false,
  properties: {
    conversationId: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_PAGE_LIMIT,
      items: id,
      description: 'Repeat for each conversation.',
    },
  },
} as const;

export const pageQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { limit, cursor },
} as const;

export const conversationParamsSchema = {
  type: 'object',
  required: ['conversationId'],
  properties: { conversationId: id },
} as const;

export const messageParamsSchema = {
  type: 'object',
  required: ['messageId'],
  properties: { messageId: id },
} as const;

export interface RawSearchQuery {
  attendeeId?: string;
  email?: string;
  name?: string;
  topic?: string;
  status?: 'read' | 'unread' | 'starred';
  event?: string;
  from?: string;
  to?: string;
  locationId?: string;
  limit?: number;
  cursor?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Epoch ms from `1718000000000`, `2024-06-10` or `2024-06-10T08:00:00Z`; a 400 naming `field` otherwise.
 * A bare date as an upper bound means the end of that day (UTC), so `to=2024-06-10` includes the 10th.
 */
export function parseTime(value: string, field: string, bound: 'start' | 'end' = 'start'): number {
  const trimmed = value.trim();
  if (bound === 'end' && /^\d{4}-\d{2}-\d{2}$/.test(trimmed)) {
    const day = Date.parse(trimmed);
    if (Number.isFinite(day)) return day + DAY_MS - 1;
  }
  const parsed = /^\d+$/.test(trimmed)
    ? Number(trimmed)
    : /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/i.test(trimmed)
      ? Date.parse(trimmed)
      : Number.NaN;
  if (!Number.isFinite(parsed)) {
    throw new ConsoleError(
      'invalid_request',
      `${field} must be an ISO date (2024-06-10 or 2024-06-10T08:00:00Z) or epoch milliseconds, got ${JSON.stringify(value)}`,
      { field },
    );
  }
  return parsed;
}

export function searchQueryOf(raw: RawSearchQuery): ConversationSearchQuery {
  const from = raw.from === undefined ? undefined : parseTime(raw.from, 'from');
  const to = raw.to === undefined ? undefined : parseTime(raw.to, 'to', 'end');
  if (from !== undefined && to !== undefined && from > to) {
    throw new ConsoleError('invalid_request', 'from must not be later than to', { field: 'from' });
  }
  return {
    ...(raw.attendeeId ? { attendeeId: raw.attendeeId } : {}),
    ...(raw.email ? { email: raw.email.trim() } : {}),
    ...(raw.name ? { name: raw.name } : {}),
    ...(raw.topic ? { topic: raw.topic } : {}),
    ...(raw.status ? { status: raw.status } : {}),
    ...(raw.event ? { event: raw.event } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(raw.locationId ? { locationId: raw.locationId } : {}),
    limit: raw.limit ?? DEFAULT_PAGE_LIMIT,
    cursor: raw.cursor ?? null,
  };
}

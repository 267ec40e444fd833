/** JSON schemas of the deliveries routes (admin-routes.ts), for validation and the OpenAPI document. */
import { INBOX_REASON_CODES } from '../../intake/inbox-reasons.js';
import { REPROCESSABLE_STATUSES } from '../../intake/list-deliveries.js';
import { SINCE_FORMS } from '../../intake/parse-since.js';
import { INBOX_STATUSES } from '../../store/schema.js';
import { DEFAULT_REPROCESS_BATCH, MAX_REPROCESS_BATCH, MAX_REPROCESS_IDS } from './deliveries.js';

// OpenAPI 3.0 (the document's version) spells null as `nullable`, not as a type list.
const nullableString = { type: 'string', nullable: true } as const;
const isoTime = { type: 'string', format: 'date-time' } as const;

const summaryProperties = {
  id: { type: 'string' },
  source: { type: 'string', enum: ['accelevents', 'highlevel', 'reconciliation'] },
  receivedAt: isoTime,
  topic: nullableString,
  status: { type: 'string', enum: [...INBOX_STATUSES] },
  reasonCode: {
    ...nullableString,
    description: `Why it started no run: ${INBOX_REASON_CODES.join(', ')}; null while it did or may.`,
  },
  reason: { ...nullableString, description: 'The same, as a sentence for the operator.' },
  error: { ...nullableString, description: 'Why processing failed (status failed).' },
  processedAt: { ...isoTime, nullable: true },
} as const;

export const deliveryListQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: [...INBOX_STATUSES] },
    since: { type: 'string', minLength: 1, description: `Received since ${SINCE_FORMS}.` },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    cursor: { type: 'string', minLength: 1, description: 'nextCursor from the previous page' },
  },
} as const;

export const deliveryListSchema = {
  type: 'object',
  properties: {
    items: { type: 'array', items: { type: 'object', properties: summaryProperties } },
    nextCursor: { ...nullableString, description: 'Pass as cursor for the next page; null on the last.' },
  },
} as const;

export const deliveryParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1 } },
} as const;

export const deliveryDetailSchema = {
  type: 'object',
  properties: {
    ...summaryProperties,
    contentType: nullableString,
    headers: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'Request headers as stored (credentials are never stored).',
    },
    body: { type: 'string', description: 'The raw body exactly as received.' },
    // No type: stored JSON as it is (an object), or the stored text when a hand-written row holds no JSON.
    mapped: { description: 'The fields the mapping read from the body; null when it was never mapped.' },
  },
} as const;

export const reprocessBodySchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Give ids or status, not both.',
  properties: {
    ids: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_REPROCESS_IDS,
      items: { type: 'string', minLength: 1 },
      description: 'Delivery ids to reprocess, whatever their status.',
    },
    status: {
      type: 'string',
      enum: [...REPROCESSABLE_STATUSES],
      description: 'Reprocess every delivery with this status (up to limit).',
    },
    limit: { type: 'integer', minimum: 1, maximum: MAX_REPROCESS_BATCH, default: DEFAULT_REPROCESS_BATCH },
  },
} as const;

export const reprocessResultSchema = {
  type: 'object',
  properties: {
    reprocessed: { type: 'integer' },
    deliveries: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          status: { type: 'string', enum: [...INBOX_STATUSES], description: 'Its status after reprocessing.' },
          reasonCode: nullableString,
          reason: nullableString,
          queued: { type: 'integer', description: 'Jobs queued for it (0: it still starts no run).' },
          createdIds: {
            type: 'array',
            items: { type: 'string' },
            description: 'New deliveries made when the body names several people.',
          },
        },
      },
    },
  },
} as const;

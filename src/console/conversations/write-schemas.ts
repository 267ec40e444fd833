/**
 * JSON schemas of the console's write routes: Fastify validates with them (a bad field is a 400 that
 * names it, api-error-handler.ts) and @fastify/swagger publishes them in /api/openapi.json. Enums come
 * from HighLevel's spec (SendMessageBodyDto, ProcessMessageBodyDto, UpdateMessageStatusDto).
 */
import { MESSAGE_STATUSES } from './write-message-state.js';
import { INBOUND_TYPES, REPLY_TYPES } from './write-messages.js';

const id = (name: string) => ({ type: 'string', minLength: 1, maxLength: 200, description: `HighLevel ${name}` });

export const conversationParams = {
  type: 'object',
  required: ['conversationId'],
  properties: { conversationId: id('conversation id') },
} as const;

export const messageParams = {
  type: 'object',
  required: ['messageId'],
  properties: { messageId: id('message id') },
} as const;

export const emailParams = {
  type: 'object',
  required: ['emailMessageId'],
  properties: { emailMessageId: id('email message id (send answer emailMessageId)') },
} as const;

export const conversationFlagsBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    unread: { type: 'boolean', description: 'true marks the conversation unread, false read' },
    starred: { type: 'boolean' },
  },
} as const;

const text = { type: 'string', maxLength: 100_000 } as const;
const attachments = {
  type: 'array',
  maxItems: 20,
  items: { type: 'string', minLength: 1, maxLength: 2000 },
  description: 'URLs, e.g. from POST /api/conversations/{conversationId}/attachments',
} as const;

export const replyBody = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', enum: Object.keys(REPLY_TYPES) },
    message: text,
    subject: { type: 'string', maxLength: 1000 },
    html: text,
    attachments,
    scheduledTimestamp: {
      type: 'integer',
      minimum: 1,
      // Seconds until the year 5138: a millisecond value is rejected instead of scheduling far ahead.
      maximum: 99_999_999_999,
      description: 'Send later: UTC epoch seconds',
    },
  },
} as const;

export const inboundBody = {
  type: 'object',
  required: ['type', 'conversationProviderId'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', enum: Object.keys(INBOUND_TYPES) },
    conversationProviderId: { ...id('conversation provider id (the custom provider reporting it)') },
    message: text,
    subject: { type: 'string', maxLength: 1000 },
    html: text,
    attachments,
    altId: { type: 'string', maxLength: 200, description: "The provider's own message id" },
    date: { type: 'string', format: 'date-time' },
  },
} as const;

export const messageStatusBody = {
  type: 'object',
  required: ['status'],
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: [...MESSAGE_STATUSES] },
    error: {
      type: 'object',
      required: ['code', 'type', 'message'],
      properties: { code: { type: 'string' }, type: { type: 'string' }, message: { type: 'string' } },
      description: 'Why a failed message failed (ErrorDto)',
    },
  },
} as const;

export const writtenMessageResponse = {
  type: 'object',
  required: ['messageId', 'conversationId'],
  properties: {
    messageId: { type: 'string' },
    conversationId: { type: 'string' },
    emailMessageId: { type: 'string' },
    status: { type: ['string', 'null'] },
    scheduledAt: { type: ['integer', 'null'], description: 'epoch ms of a scheduled send' },
  },
} as const;

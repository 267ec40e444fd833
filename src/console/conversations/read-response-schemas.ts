/** JSON schemas of the read routes' answers, for the OpenAPI document (they mirror views.ts). */

// OpenAPI 3.0 (the document's version) spells null as `nullable`, not as a type list.
const nullableString = { type: 'string', nullable: true } as const;
const nextCursor = {
  type: 'string',
  nullable: true,
  description: 'Pass as cursor for the next page; null on the last.',
};

export const conversationSchema = {
  type: 'object',
  properties: {
    conversationId: { type: 'string' },
    locationId: { type: 'string' },
    contactId: nullableString,
    contactName: nullableString,
    contactEmail: nullableString,
    contactPhone: nullableString,
    eventKey: nullableString,
    unreadCount: { type: 'integer' },
    starred: { type: 'boolean' },
    sponsor: { type: 'boolean' },
    lastMessageAt: { type: 'number', description: 'Epoch ms.' },
    lastMessageBody: nullableString,
  },
} as const;

const { contactPhone: _phone, eventKey: _event, ...searchItemProperties } = conversationSchema.properties;

export const searchResultSchema = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        // A search item is a conversation without phone and event, plus the topic's snippets.
        properties: {
          ...searchItemProperties,
          matches: { type: 'array', items: { type: 'string' }, description: 'Topic snippets, matches in [brackets].' },
        },
      },
    },
    nextCursor,
  },
} as const;

export const messagePageSchema = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          messageId: { type: 'string' },
          conversationId: { type: 'string' },
          direction: nullableString,
          type: nullableString,
          status: nullableString,
          body: nullableString,
          createdAt: { type: 'number' },
          hasRecording: { type: 'boolean' },
          hasTranscript: { type: 'boolean' },
          attachments: { type: 'array', items: { type: 'string' }, description: 'Attachment URLs.' },
          emailMessageId: nullableString,
        },
      },
    },
    nextCursor,
  },
} as const;

const seconds = { type: 'number', nullable: true, description: 'Seconds from the start of the call.' } as const;

export const transcriptSchema = {
  type: 'object',
  properties: {
    messageId: { type: 'string' },
    conversationId: { type: 'string' },
    sentences: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          startTime: seconds,
          endTime: seconds,
          mediaChannel: { type: 'number', nullable: true },
          text: { type: 'string' },
        },
      },
    },
    text: { type: 'string' },
  },
} as const;

/**
 * The console API's reads (issue 5 Deliver 1): search, a conversation, its messages, a call's
 * transcript (JSON and download) and recording (streamed, with Range for seeking). Every role reads;
 * a sponsor only sponsor-channel conversations (read-conversations.ts applies it on every path).
 */
import type { FastifyInstance } from 'fastify';
import type { ConsoleDeps } from '../console-deps.js';
import {
  getConversationForCaller,
  getTranscriptForCaller,
  listMessagesForCaller,
  searchForCaller,
} from '../conversations/read-conversations.js';
import {
  conversationParamsSchema,
  DEFAULT_PAGE_LIMIT,
  messageParamsSchema,
  pageQuerySchema,
  type RawSearchQuery,
  searchQueryOf,
  searchQuerySchema,
} from '../conversations/read-query.js';
import {
  conversationSchema,
  messagePageSchema,
  searchResultSchema,
  transcriptSchema,
} from '../conversations/read-response-schemas.js';
import { transcriptDownloadText } from '../conversations/read-transcript.js';
import { getRecordingForCaller, parseRange } from '../conversations/recording-range.js';
import { apiRoute } from './api-route.js';

const READERS = ['viewer', 'agent', 'sponsor', 'admin'] as const;
const TAG = 'Conversations';

type ConversationParams = { conversationId: string };
type MessageParams = { messageId: string };
type PageQuery = { limit?: number; cursor?: string };

export function registerConversationReadRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  apiRoute(app, {
    method: 'GET',
    url: '/api/conversations',
    roles: READERS,
    tag: TAG,
    summary: 'Search conversations by attendee, topic, status, event and date range (newest first, paged)',
    schema: { querystring: searchQuerySchema, response: { 200: searchResultSchema } },
    handler: (request, _reply, caller) => searchForCaller(deps, caller, searchQueryOf(request.query as RawSearchQuery)),
  });

  apiRoute(app, {
    method: 'GET',
    url: '/api/conversations/:conversationId',
    roles: READERS,
    tag: TAG,
    summary: 'One conversation (from the local index, fetched from HighLevel when the index lacks it)',
    schema: { params: conversationParamsSchema, response: { 200: conversationSchema } },
    handler: (request, _reply, caller) =>
      getConversationForCaller(deps, caller, (request.params as ConversationParams).conversationId),
  });

  apiRoute(app, {
    method: 'GET',
    url: '/api/conversations/:conversationId/messages',
    roles: READERS,
    tag: TAG,
    summary: "A conversation's messages, newest first, paged",
    schema: { params: conversationParamsSchema, querystring: pageQuerySchema, response: { 200: messagePageSchema } },
    handler: (request, _reply, caller) => {
      const query = request.query as PageQuery;
      return listMessagesForCaller(deps, caller, (request.params as ConversationParams).conversationId, {
        limit: query.limit ?? DEFAULT_PAGE_LIMIT,
        cursor: query.cursor ?? null,
      });
    },
  });

  apiRoute(app, {
    method: 'GET',
    url: '/api/messages/:messageId/transcript',
    roles: READERS,
    tag: TAG,
    summary: "A call's transcript: sentences with times (seconds) and the joined text",
    schema: { params: messageParamsSchema, response: { 200: transcriptSchema } },
    handler: (request, _reply, caller) =>
      getTranscriptForCaller(deps, caller, (request.params as MessageParams).messageId),
  });

  apiRoute(app, {
    method: 'GET',
    url: '/api/messages/:messageId/transcript/download',
    roles: READERS,
    tag: TAG,
    summary: "A call's transcript as a text file, one `[mm:ss] text` line per sentence",
    schema: { params: messageParamsSchema, produces: ['text/plain'] },
    handler: async (request, reply, caller) => {
      const { messageId } = request.params as MessageParams;
      const transcript = await getTranscriptForCaller(deps, caller, messageId);
      return reply
        .header('content-type', 'text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="transcript-${safeName(messageId)}.txt"`)
        .send(transcriptDownloadText(transcript));
    },
  });

  apiRoute(app, {
    method: 'GET',
    url: '/api/messages/:messageId/recording',
    roles: READERS,
    tag: TAG,
    summary: "A call's recording (audio); honours one `Range: bytes=a-b` so players can seek",
    schema: { params: messageParamsSchema, produces: ['audio/x-wav', 'audio/mpeg'] },
    handler: async (request, reply, caller) => {
      const { messageId } = request.params as MessageParams;
      const recording = await getRecordingForCaller(deps, caller, messageId);
      const size = recording.data.length;
      reply
        .header('content-type', recording.contentType)
        .header('accept-ranges', 'bytes')
        .header('content-disposition', `inline; filename="recording-${safeName(messageId)}.wav"`)
        .header('cache-control', 'private, no-store');
      const range = parseRange(request.headers.range, size);
      if (range.kind === 'unsatisfiable') {
        return reply.code(416).header('content-range', `bytes */${size}`).send();
      }
      if (range.kind === 'partial') {
        return reply
          .code(206)
          .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
          .header('content-length', range.end - range.start + 1)
          .send(recording.data.subarray(range.start, range.end + 1));
      }
      return reply.header('content-length', size).send(recording.data);
    },
  });
}

/** HighLevel ids are alphanumeric; anything else never reaches a header. */
function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_');
}

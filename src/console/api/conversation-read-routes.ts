/**
 * The console API's reads: search, a conversation, its messages, a call's
 * transcript (JSON and download) and recording (streamed, with Range for seeking), and live events
 * of conversations as server-sent events (event-stream.ts). Every role reads;
 * a sponsor only sponsor-channel conversations (read-conversations.ts applies it on every path).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Caller, resolveCaller } from '../auth/resolve-caller.js';
import type { ConsoleDeps } from '../console-deps.js';
import { ConsoleError } from '../console-error.js';
import { acceptsEventStream, DEFAULT_HEARTBEAT_MS, openEventStream } from '../conversations/event-stream.js';
import { createLiveHub } from '../conversations/live-events.js';
import { getConversationForCaller, searchForCaller } from '../conversations/read-conversations.js';
import { listMessagesForCaller } from '../conversations/read-messages.js';
import {
  conversationParamsSchema,
  DEFAULT_PAGE_LIMIT,
  eventsQuerySchema,
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
import { getTranscriptForCaller, transcriptDownloadText } from '../conversations/read-transcript.js';
import { getRecordingForCaller, parseRange } from '../conversations/recording-range.js';
import { apiRoute } from './api-route.js';

const READERS = ['viewer', 'agent', 'sponsor', 'admin'] as const;
const TAG = 'Conversations';

type ConversationParams = { conversationId: string };
type MessageParams = { messageId: string };
type PageQuery = { limit?: number; cursor?: string };

export function registerConversationReadRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const hub = createLiveHub({
    db: deps.db,
    logger: deps.logger,
    ...(deps.liveEvents?.pollMs ? { pollMs: deps.liveEvents.pollMs } : {}),
  });
  // Open streams would keep server.close() waiting; ending them first lets the server stop.
  app.addHook('preClose', async () => hub.close());
  const heartbeatMs = deps.liveEvents?.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  /** The same caller, still signed in, enabled and in a reading role (checked at each heartbeat). */
  const stillReader = (request: FastifyRequest, caller: Caller) => async () => {
    const now = await resolveCaller(deps.db, request.headers, deps.now());
    return now.caller?.userId === caller.userId && (READERS as readonly string[]).includes(now.caller.role);
  };
  const mustAcceptStream = (request: FastifyRequest) => {
    if (!acceptsEventStream(request)) {
      throw new ConsoleError(
        'invalid_request',
        'this is a server-sent event stream: open it with EventSource, or send Accept: text/event-stream',
        { field: 'accept' },
      );
    }
  };

  apiRoute(app, {
    method: 'GET',
    url: '/api/conversations/:conversationId/events',
    roles: READERS,
    tag: TAG,
    summary:
      'Live events of one conversation as text/event-stream: its new messages, status changes and unread/starred changes',
    schema: { params: conversationParamsSchema, produces: ['text/event-stream'] },
    handler: async (request, reply, caller) => {
      mustAcceptStream(request);
      const { conversationId } = request.params as ConversationParams;
      // The same answer as reading the conversation: 404 (403 for a sponsor) when the caller may not.
      await getConversationForCaller(deps, caller, conversationId);
      const allowed = stillReader(request, caller);
      return openEventStream(request, reply, [conversationId], {
        hub,
        heartbeatMs,
        stillAllowed: async () => {
          if (!(await allowed())) return false;
          return getConversationForCaller(deps, caller, conversationId).then(
            () => true,
            () => false,
          );
        },
      });
    },
  });

  apiRoute(app, {
    method: 'GET',
    url: '/api/events',
    roles: READERS,
    tag: TAG,
    summary:
      'Live events of up to 100 conversations (repeat conversationId) as text/event-stream, e.g. those a search page lists',
    schema: { querystring: eventsQuerySchema, produces: ['text/event-stream'] },
    handler: async (request, reply, caller) => {
      mustAcceptStream(request);
      const ids = [...new Set((request.query as { conversationId: string[] }).conversationId)];
      for (const id of ids) await getConversationForCaller(deps, caller, id);
      return openEventStream(request, reply, ids, { hub, heartbeatMs, stillAllowed: stillReader(request, caller) });
    },
  });

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

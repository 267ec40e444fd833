/**
 * GET /console/conversations/:conversationId: one conversation. The read service pages messages
 * newest first; the page shows its slice oldest to newest, like a chat, with an "Older messages" link
 * carrying the cursor. What a role may do decides what is rendered (ROLE_PERMISSIONS): reply box and
 * upload for `reply`, star/unread toggles, status selects and schedule cancels for `changeStatus`;
 * a status select only on a message HighLevel takes a status for. The API checks both again; hiding a
 * control is only for a clean page. Attachments are links (thumbnails for images), and the newest page
 * follows the conversation's live events (console.js), so new messages and statuses appear unasked.
 * The attendee panel (attendee-panel.ts) says who the contact is in Accelevents.
 */
import type { FastifyInstance } from 'fastify';
import { ROLES } from '../auth/roles.js';
import type { ConsoleDeps } from '../console-deps.js';
// The statuses PUT /api/messages/:id/status accepts (UpdateMessageStatusDto's enum), from the write side.
import { statusChangeable } from '../conversations/message-status-rules.js';
import { getConversationForCaller } from '../conversations/read-conversations.js';
import { listMessagesForCaller } from '../conversations/read-messages.js';
import type { MessageView } from '../conversations/views.js';
import { MESSAGE_STATUSES } from '../conversations/write-message-state.js';
import { attachmentLinks, threadPageCsp } from './attachment-links.js';
import { attendeePanelFor } from './attendee-panel.js';
import { pageCaller, sendErrorPage } from './error-page.js';
import { requirePageRole } from './page-auth.js';
import { sendPage } from './render-page.js';

const PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 100;

/** `TYPE_SMS` → `SMS`, `TYPE_EMAIL` → `Email`, `TYPE_CALL` → `Call`. */
export function messageTypeLabel(type: string | null): string {
  if (!type) return 'Message';
  const word = type
    .replace(/^TYPE_/, '')
    .replaceAll('_', ' ')
    .toLowerCase();
  return word === 'sms' || word === 'mms' ? word.toUpperCase() : word.charAt(0).toUpperCase() + word.slice(1);
}

function messageForPage(message: MessageView, highlevelBaseUrl: string) {
  const id = encodeURIComponent(message.messageId);
  const isCall = message.type === 'TYPE_CALL' || message.hasRecording;
  // Email schedules are cancelled by the email message id (DELETE /conversations/messages/email/:id/schedule).
  const cancelUrl =
    message.type === 'TYPE_EMAIL' && message.emailMessageId
      ? `/api/emails/${encodeURIComponent(message.emailMessageId)}/schedule`
      : `/api/messages/${id}/schedule`;
  return {
    ...message,
    typeLabel: messageTypeLabel(message.type),
    directionLabel:
      message.direction === 'inbound' ? 'Inbound' : message.direction === 'outbound' ? 'Outbound' : 'Message',
    side: message.direction === 'outbound' ? 'outbound' : 'inbound',
    statusLabel: message.status ?? 'unknown',
    isCall,
    isScheduled: message.status === 'scheduled',
    // Only where HighLevel would take a status (message-status-rules.ts); the API refuses the rest too.
    canSetStatus: statusChangeable(message),
    attachmentLinks: attachmentLinks(message.attachments, highlevelBaseUrl),
    recordingUrl: message.hasRecording ? `/api/messages/${id}/recording` : null,
    transcriptUrl: isCall ? `/console/messages/${id}/transcript` : null,
    statusUrl: `/api/messages/${id}/status`,
    cancelUrl,
  };
}

function olderPageUrl(path: string, cursor: string, limit: number): string {
  const params = new URLSearchParams({ cursor });
  if (limit !== PAGE_SIZE) params.set('limit', String(limit));
  return `${path}?${params.toString()}`;
}

export function registerThreadPage(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get<{ Params: { conversationId: string }; Querystring: { cursor?: string; limit?: string } }>(
    '/console/conversations/:conversationId',
    { preHandler: requirePageRole(...ROLES) },
    async (request, reply) => {
      const caller = pageCaller(request);
      const { conversationId } = request.params;
      const cursor =
        typeof request.query.cursor === 'string' && request.query.cursor !== '' ? request.query.cursor : null;
      try {
        const conversation = await getConversationForCaller(deps, caller, conversationId);
        // `?limit=` (1–100) as on the messages API; anything else falls back to the default page.
        const asked = Number(request.query.limit);
        const limit = Number.isInteger(asked) && asked >= 1 && asked <= MAX_PAGE_SIZE ? asked : PAGE_SIZE;
        const page = await listMessagesForCaller(deps, caller, conversationId, { limit, cursor });
        const attendee = await attendeePanelFor(deps, caller, conversation);
        const path = `/console/conversations/${encodeURIComponent(conversationId)}`;
        const highlevelBaseUrl = deps.config.highlevel.baseUrl;
        reply.header('content-security-policy', threadPageCsp(highlevelBaseUrl));
        return sendPage(reply, 'thread', caller, {
          title: conversation.contactName ?? conversation.contactEmail ?? 'Conversation',
          nav: 'search',
          conversation,
          attendee,
          apiPath: `/api/conversations/${encodeURIComponent(conversationId)}`,
          messages: [...page.items].reverse().map((message) => messageForPage(message, highlevelBaseUrl)),
          // Live updates only on the newest page: an older page would not show what arrives.
          eventsUrl: cursor === null ? `/api/conversations/${encodeURIComponent(conversationId)}/events` : null,
          statuses: MESSAGE_STATUSES,
          olderUrl: page.nextCursor ? olderPageUrl(path, page.nextCursor, limit) : null,
          newestUrl: cursor === null ? null : path,
        });
      } catch (error) {
        return sendErrorPage(request, reply, caller, error);
      }
    },
  );
}

/** get-message, get-messages and get-email-by-id. */
import type { components } from '../../../highlevel/generated/conversations.js';
import type { MessageRecord } from '../state/records.js';
import { assertLocation, requireConversation, requireMessage } from './access.js';
import { badRequest, notFound } from './domain-error.js';
import type { HandlerDeps, HandlerMap } from './handler-deps.js';
import { parseLimit } from './list-limit.js';
import { emailDto, type MessageDto, messageDto } from './views.js';

type Schemas = components['schemas'];
type MessagesPage = Omit<Schemas['GetMessagesByConversationResponseDto'], 'messages'> & { messages: MessageDto[] };

/** "Default limit is 20" (get-messages); the cap is ours. */
const LIMITS = { default: 20, max: 100 };

/** get-messages' filter lists TYPE_INTERNAL_COMMENTS, MessageType has TYPE_INTERNAL_COMMENT: defect `internal-comment-enum`. */
function typeFilter(raw: unknown): Set<string> | null {
  if (raw === undefined || raw === '') return null;
  const names = (Array.isArray(raw) ? raw.map(String) : String(raw).split(',')).map((s) => s.trim());
  return new Set(names.map((n) => (n === 'TYPE_INTERNAL_COMMENTS' ? 'TYPE_INTERNAL_COMMENT' : n)));
}

export function messageReadHandlers({ state, messagesShape }: HandlerDeps): HandlerMap {
  return {
    'get-message': (req) => {
      const message = requireMessage(state, req.principal, req.params.id ?? '');
      const body: MessageDto = messageDto(message);
      return { status: 200, body };
    },

    'get-messages': (req) => {
      const conversation = requireConversation(state, req.principal, req.params.conversationId ?? '');
      const limit = parseLimit(req.query.limit, LIMITS);
      const types = typeFilter(req.query.type);
      const matches = (m: MessageRecord) => m.status !== 'cancelled' && (types === null || types.has(m.messageType));
      const thread = state.messages.thread(conversation.id);

      // Newest first; `lastMessageId` is the last message of the previous page, so start just below it.
      let i = thread.length - 1;
      const cursor = req.query.lastMessageId;
      if (cursor) {
        const from = state.messages.get(String(cursor));
        const at = from && from.conversationId === conversation.id ? state.messages.indexInThread(from) : -1;
        if (at < 0)
          throw badRequest(`lastMessageId ${String(cursor)} is not a message of conversation ${conversation.id}`);
        i = at - 1;
      }
      const page: MessageRecord[] = [];
      for (; i >= 0 && page.length < limit; i--) if (matches(thread[i]!)) page.push(thread[i]!);
      let nextPage = false;
      for (; i >= 0 && !nextPage; i--) nextPage = matches(thread[i]!);

      const flat: MessagesPage = {
        lastMessageId: page[page.length - 1]?.id ?? (cursor ? String(cursor) : ''),
        nextPage,
        messages: page.map(messageDto),
      };
      // The live API wraps the page ({ messages: {…} }, highlevel-api-docs#54; defect `get-messages-wrapped`).
      const body: MessagesPage | { messages: MessagesPage } = messagesShape === 'wrapped' ? { messages: flat } : flat;
      return { status: 200, body };
    },

    'get-email-by-id': (req) => {
      const message = state.messages.getByEmailId(req.params.id ?? '');
      if (!message || message.status === 'cancelled') throw notFound('Message not found');
      assertLocation(req.principal, message.locationId);
      const body: Schemas['GetEmailMessageResponseDto'] = emailDto(message);
      return { status: 200, body };
    },
  };
}

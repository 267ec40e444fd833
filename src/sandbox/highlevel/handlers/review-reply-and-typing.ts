/** send-review-reply and live-chat-agent-typing, the two provider-specific replies. */
import type { components } from '../../../highlevel/generated/conversations.js';
import { writeMessage } from '../state/write-message.js';
import { assertLocation, requireConversation } from './access.js';
import type { HandlerDeps, HandlerMap } from './handler-deps.js';
import { sendResponse } from './send-message.js';
import { messageEvent } from './webhook-events.js';

type Schemas = components['schemas'];

export function reviewAndTypingHandlers({ state }: HandlerDeps): HandlerMap {
  return {
    'send-review-reply': (req, ctx) => {
      const body = req.body as Schemas['SendReviewReplyDto'];
      assertLocation(req.principal, body.locationId);
      // The live API wants a review conversation ("must have reviewId"); the sandbox keeps no reviews,
      // so any conversation of the location takes the reply.
      const conversation = requireConversation(state, req.principal, body.conversationId);
      const now = ctx.now();
      const message = writeMessage(
        state,
        conversation,
        {
          id: ctx.newId(),
          messageType: 'TYPE_REVIEW',
          direction: 'outbound',
          status: 'delivered',
          dateAdded: now,
          source: 'api',
          body: body.message,
        },
        now,
      );
      ctx.emit(messageEvent('OutboundMessage', message, state.contacts.get(conversation.contactId)));
      return { status: 200, body: sendResponse(message, 'Review reply sent successfully.') };
    },

    'live-chat-agent-typing': (req) => {
      const body = req.body as Schemas['UserTypingBody'];
      assertLocation(req.principal, body.locationId);
      requireConversation(state, req.principal, body.conversationId);
      // The indicator goes to the visitor's chat widget, which the sandbox does not have; nothing is stored.
      const answer: Schemas['CreateLiveChatMessageFeedbackResponse'] = { success: true };
      return { status: 201, body: answer };
    },
  };
}

/** get, create, update and delete a conversation. */
import type { components } from '../../../highlevel/generated/conversations.js';
import { openConversation } from '../state/write-conversation.js';
import { assertLocation, requireConversation } from './access.js';
import { badRequest, notFound } from './domain-error.js';
import type { HandlerDeps, HandlerMap } from './handler-deps.js';
import { conversationById, conversationCreated, conversationDto } from './views.js';
import { unreadUpdateEvent } from './webhook-events.js';

type Schemas = components['schemas'];

export function conversationHandlers({ state }: HandlerDeps): HandlerMap {
  return {
    'get-conversation': (req) => {
      const conversation = requireConversation(state, req.principal, req.params.conversationId ?? '');
      const body: Schemas['GetConversationByIdResponse'] = conversationById(conversation);
      return { status: 200, body };
    },

    'create-conversation': (req, ctx) => {
      const { locationId, contactId } = req.body as Schemas['CreateConversationDto'];
      assertLocation(req.principal, locationId);
      const contact = state.contacts.get(contactId);
      if (!contact || contact.locationId !== locationId) throw notFound('Contact not found');
      if (state.conversations.ofContact(contactId)) {
        // One conversation per contact (ConversationProviders.md). The live API answers a second create
        // with this 400 and no conversationId in the body (GoHighLevel/highlevel-api-docs#5), so clients
        // must find the existing one through search-conversation.
        throw badRequest(`Conversation with the contact id:${contactId} already exists!`);
      }
      const conversation = openConversation(state, contact, ctx.now(), ctx.newId());
      const body: Schemas['CreateConversationSuccessResponse'] = {
        success: true,
        conversation: conversationCreated(state, conversation),
      };
      return { status: 201, body };
    },

    'update-conversation': (req, ctx) => {
      const conversation = requireConversation(state, req.principal, req.params.conversationId ?? '');
      const input = req.body as Schemas['UpdateConversationDto'];
      assertLocation(req.principal, input.locationId);
      let unreadChanged = false;
      if (input.unreadCount !== undefined && input.unreadCount !== conversation.unreadCount) {
        if (!Number.isInteger(input.unreadCount) || input.unreadCount < 0) {
          throw badRequest(`unreadCount must be a whole number of 0 or more, got ${input.unreadCount}`);
        }
        conversation.unreadCount = input.unreadCount;
        unreadChanged = true;
      }
      if (input.starred !== undefined && input.starred !== conversation.starred) {
        conversation.starred = input.starred;
        unreadChanged = true;
      }
      if (input.feedback !== undefined) conversation.feedback = input.feedback;
      conversation.dateUpdated = ctx.now();
      // ConversationUnreadUpdate carries unreadCount and starred, so either change is reported.
      if (unreadChanged) ctx.emit(unreadUpdateEvent(conversation));
      const body: Schemas['GetConversationSuccessfulResponse'] = {
        success: true,
        conversation: conversationDto(state, conversation),
      };
      return { status: 200, body };
    },

    'delete-conversation': (req) => {
      const conversation = requireConversation(state, req.principal, req.params.conversationId ?? '');
      state.conversations.remove(conversation);
      state.messages.removeConversation(conversation.id, conversation.locationId);
      const body: Schemas['DeleteConversationSuccessfulResponse'] = { success: true };
      return { status: 200, body };
    },
  };
}

/** update-message-status: a conversation provider reports what happened to an outbound message. */
import type { components } from '../../../highlevel/generated/conversations.js';
import { requireMessage } from './access.js';
import { badRequest, forbidden } from './domain-error.js';
import type { HandlerDeps, HandlerMap } from './handler-deps.js';
import { sendResponse } from './send-message.js';

type Schemas = components['schemas'];

export function messageStatusHandlers({ state }: HandlerDeps): HandlerMap {
  return {
    'update-message-status': (req, ctx) => {
      const message = requireMessage(state, req.principal, req.params.messageId ?? '');
      const body = req.body as Schemas['UpdateMessageStatusDto'];
      if (message.direction !== 'outbound') {
        throw badRequest(`message ${message.id} is inbound; only outbound messages have a delivery status to update`);
      }
      if (message.status === 'scheduled') {
        // Live text for a message not yet handed to the provider
        // (https://github.com/GoHighLevel/highlevel-api-docs/issues/4).
        throw forbidden(
          'Status changes are not allowed until the message is downstreamed to the conversation provider',
        );
      }
      message.status = body.status;
      message.error = body.status === 'failed' && body.error ? { ...body.error } : null;
      message.dateUpdated = ctx.now();
      return { status: 200, body: sendResponse(message, 'Message status updated successfully.') };
    },
  };
}

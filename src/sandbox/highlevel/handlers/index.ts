import type { OperationHandler, SandboxContext, SandboxRequest, SandboxResponse } from '../types.js';
import { callMediaHandlers } from './call-media.js';
import { cancelScheduledHandlers } from './cancel-scheduled.js';
import { contactHandlers } from './contacts.js';
import { conversationHandlers } from './conversations.js';
import { customSubtypeHandlers } from './custom-subtypes.js';
import { deliverDueMessages } from './deliver-due.js';
import { SandboxDomainError, toErrorResponse } from './domain-error.js';
import { exportHandlers } from './export-messages.js';
import type { HandlerDeps, HandlerMap } from './handler-deps.js';
import { messageReadHandlers } from './message-reads.js';
import { messageStatusHandlers } from './message-status.js';
import { providerMessageHandlers } from './provider-messages.js';
import { reviewAndTypingHandlers } from './review-reply-and-typing.js';
import { searchHandlers } from './search-conversations.js';
import { sendMessageHandlers } from './send-message.js';
import { subscriptionHandlers } from './subscriptions.js';
import { uploadHandlers } from './uploads.js';

/**
 * Every operation handler, keyed by operationId. Each call first delivers scheduled messages that are
 * due (the sandbox has no timers), then runs the handler; a SandboxDomainError becomes HighLevel's error
 * answer, anything else propagates to the HTTP layer as a 500.
 */
export function buildHandlers(deps: HandlerDeps): HandlerMap {
  const all: HandlerMap = {
    ...contactHandlers(deps),
    ...conversationHandlers(deps),
    ...searchHandlers(deps),
    ...sendMessageHandlers(deps),
    ...providerMessageHandlers(deps),
    ...messageReadHandlers(deps),
    ...exportHandlers(deps),
    ...messageStatusHandlers(deps),
    ...cancelScheduledHandlers(deps),
    ...callMediaHandlers(deps),
    ...uploadHandlers(deps),
    ...reviewAndTypingHandlers(deps),
    ...customSubtypeHandlers(deps),
    ...subscriptionHandlers(deps),
  };
  return Object.fromEntries(Object.entries(all).map(([id, handler]) => [id, guard(deps, handler)]));
}

function guard(deps: HandlerDeps, handler: OperationHandler): OperationHandler {
  return (req: SandboxRequest, ctx: SandboxContext): SandboxResponse | Promise<SandboxResponse> => {
    try {
      deliverDueMessages(deps.state, ctx);
      return handler(req, ctx);
    } catch (error) {
      if (error instanceof SandboxDomainError) return toErrorResponse(error);
      throw error;
    }
  };
}

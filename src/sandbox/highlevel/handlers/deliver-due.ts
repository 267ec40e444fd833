import type { SandboxState } from '../state/sandbox-state.js';
import { noteVisibleMessage } from '../state/write-message.js';
import type { SandboxContext } from '../types.js';
import { messageEvent } from './webhook-events.js';

/**
 * Sends scheduled messages whose time has come. The sandbox has no timers: this runs before every
 * request (so any read sees the message delivered), each due message turns `delivered` once, and its
 * OutboundMessage webhook is emitted once, in scheduled order.
 */
export function deliverDueMessages(state: SandboxState, ctx: SandboxContext): void {
  const now = ctx.now();
  const due = [...state.messages.scheduled()].filter((m) => m.scheduledAt !== null && m.scheduledAt <= now);
  if (due.length === 0) return;
  due.sort((a, b) => a.scheduledAt! - b.scheduledAt! || a.seq - b.seq);
  for (const message of due) {
    message.status = 'delivered';
    message.dateUpdated = now;
    state.messages.unschedule(message);
    const conversation = state.conversations.get(message.conversationId);
    if (conversation) noteVisibleMessage(state, conversation, message, now);
    ctx.emit(messageEvent('OutboundMessage', message, state.contacts.get(message.contactId)));
  }
}

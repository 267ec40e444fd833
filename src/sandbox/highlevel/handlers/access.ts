import type { ContactRecord, ConversationRecord, MessageRecord } from '../state/records.js';
import type { SandboxState } from '../state/sandbox-state.js';
import type { SandboxPrincipal } from '../types.js';
import { locationForbidden, notFound } from './domain-error.js';

/**
 * Location isolation: every resource belongs to one location, and a token only reaches its own.
 * Company (agency) tokens carry no locationId, so they reach no location resource; HighLevel wants a
 * location token for these calls (minted from the agency token, get-location-access-token).
 */
export function assertLocation(principal: SandboxPrincipal, locationId: string): void {
  if (principal.locationId === null || principal.locationId !== locationId) throw locationForbidden();
}

export function requireConversation(
  state: SandboxState,
  principal: SandboxPrincipal,
  conversationId: string,
): ConversationRecord {
  const conversation = state.conversations.get(conversationId);
  if (!conversation) throw notFound('Conversation not found');
  assertLocation(principal, conversation.locationId);
  return conversation;
}

export function requireContact(state: SandboxState, principal: SandboxPrincipal, contactId: string): ContactRecord {
  const contact = state.contacts.get(contactId);
  if (!contact) throw notFound('Contact not found');
  assertLocation(principal, contact.locationId);
  return contact;
}

/** Cancelled scheduled messages were deleted as far as the read side is concerned (see cancel-scheduled.ts). */
export function requireMessage(state: SandboxState, principal: SandboxPrincipal, messageId: string): MessageRecord {
  const message = state.messages.get(messageId);
  if (!message || message.status === 'cancelled') throw notFound('Message not found');
  assertLocation(principal, message.locationId);
  return message;
}

/** A string field from a JSON body or query, or undefined when absent or empty. */
export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

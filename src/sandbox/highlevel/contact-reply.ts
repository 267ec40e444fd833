/**
 * A contact writing back, as a person would from their phone or mailbox: an inbound message in their
 * conversation, on the channel of the conversation's latest message (SMS or Email; a thread without
 * one uses the conversation's channel). HighLevel then sends the InboundMessage webhook and the unread
 * update, signed like every sandbox webhook, so a receiver sees exactly what a real reply causes.
 * Not an API operation: it is a control (`sandbox.replyAsContact`, POST /sandbox/conversations/:id/replies).
 */

import { EMAIL_PROVIDER, LOCATION_EMAIL, LOCATION_PHONE } from './handlers/sandbox-senders.js';
import { messageEvent, unreadUpdateEvent } from './handlers/webhook-events.js';
import { SandboxError } from './sandbox-errors.js';
import type { MessageRecord } from './state/records.js';
import type { SandboxState } from './state/sandbox-state.js';
import { writeMessage } from './state/write-message.js';
import type { SandboxContext } from './types.js';

export interface ContactReplyInput {
  conversationId: string;
  /** The text the contact writes. */
  message: string;
  /** The channel; default that of the conversation's latest message. */
  type?: 'SMS' | 'Email';
}

export interface ContactReply {
  messageId: string;
  conversationId: string;
  contactId: string;
  locationId: string;
  type: 'SMS' | 'Email';
}

const TYPES = ['SMS', 'Email'] as const;

function invalid(message: string): never {
  throw new SandboxError('invalid_option', message);
}

export function checkContactReply(input: unknown): ContactReplyInput {
  if (typeof input !== 'object' || input === null) invalid('a reply must be an object');
  const { conversationId, message, type, ...rest } = input as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) invalid(`a reply has no field ${unknown[0]}; expected conversationId, message, type`);
  if (typeof conversationId !== 'string' || conversationId === '') invalid('conversationId must be a conversation id');
  if (typeof message !== 'string' || message.trim() === '') invalid('message must be the non-empty text of the reply');
  if (type !== undefined && !TYPES.includes(type as (typeof TYPES)[number])) {
    invalid(`type must be SMS or Email, got ${String(type)}`);
  }
  return { conversationId, message, ...(type === undefined ? {} : { type: type as ContactReplyInput['type'] }) };
}

function latestVisible(state: SandboxState, conversationId: string): MessageRecord | undefined {
  const thread = state.messages
    .thread(conversationId)
    .filter((m) => m.status !== 'scheduled' && m.status !== 'cancelled');
  return thread.reduce<MessageRecord | undefined>(
    (latest, m) =>
      !latest || m.dateAdded > latest.dateAdded || (m.dateAdded === latest.dateAdded && m.seq > latest.seq)
        ? m
        : latest,
    undefined,
  );
}

export function replyAsContact(state: SandboxState, ctx: SandboxContext, input: ContactReplyInput): ContactReply {
  const conversation = state.conversations.get(input.conversationId);
  if (!conversation || conversation.deleted) {
    throw new SandboxError(
      'unknown_conversation',
      `conversationId ${input.conversationId} is not a sandbox conversation`,
    );
  }
  const contact = state.contacts.get(conversation.contactId);
  const latest = latestVisible(state, conversation.id);
  const type =
    input.type ??
    (latest
      ? latest.messageType === 'TYPE_EMAIL'
        ? 'Email'
        : 'SMS'
      : conversation.channel === 'email'
        ? 'Email'
        : 'SMS');
  if (type === 'SMS' && !contact?.phone) invalid(`the contact of ${conversation.id} has no phone to reply by SMS from`);
  if (type === 'Email' && !contact?.email) invalid(`the contact of ${conversation.id} has no email to reply from`);
  const now = ctx.now();
  const id = ctx.newId();
  const repliedTo = latest?.email ? latest : undefined;
  const subject = repliedTo?.email?.subject ?? null;
  const message = writeMessage(
    state,
    conversation,
    {
      id,
      messageType: type === 'Email' ? 'TYPE_EMAIL' : 'TYPE_SMS',
      direction: 'inbound',
      status: 'delivered',
      dateAdded: now,
      source: 'app',
      body: input.message,
      contentType: 'text/plain',
      email:
        type === 'Email'
          ? {
              emailMessageId: ctx.newId(),
              threadId: repliedTo?.email?.threadId ?? id,
              from: contact?.email ?? '',
              to: [LOCATION_EMAIL],
              cc: [],
              bcc: [],
              subject: subject === null ? null : /^re:/i.test(subject) ? subject : `Re: ${subject}`,
              provider: EMAIL_PROVIDER,
            }
          : null,
      fromNumber: type === 'SMS' ? (contact?.phone ?? null) : null,
      toNumber: type === 'SMS' ? LOCATION_PHONE : null,
    },
    now,
  );
  conversation.unreadCount += 1;
  ctx.emit(messageEvent('InboundMessage', message, contact));
  ctx.emit(unreadUpdateEvent(conversation));
  return {
    messageId: message.id,
    conversationId: conversation.id,
    contactId: conversation.contactId,
    locationId: conversation.locationId,
    type,
  };
}

/**
 * New messages from the console: an agent's reply (send-a-new-message, sent now or scheduled) and
 * an inbound message a custom conversation provider reports (add-an-inbound-message).
 * Each is mirrored into the local index as soon as HighLevel accepts it, so the thread shows it at once;
 * a mirror that fails is logged, never answered as a failed send.
 */
import type { Caller } from '../auth/resolve-caller.js';
import type { ConsoleDeps } from '../console-deps.js';
import { ConsoleError } from '../console-error.js';
import { conversationForWrite, type WriteConversation } from './write-targets.js';
import { callHighLevel } from './write-upstream.js';

/** SendMessageBodyDto.type (specs/highlevel/apps/conversations.json), minus RCS and TIKTOK, with their TYPE_* names. */
export const REPLY_TYPES = {
  SMS: 'TYPE_SMS',
  Email: 'TYPE_EMAIL',
  WhatsApp: 'TYPE_WHATSAPP',
  IG: 'TYPE_INSTAGRAM',
  FB: 'TYPE_FACEBOOK',
  // Custom providers' messages are TYPE_CUSTOM_PROVIDER_SMS (highlevel-api-docs#224, messageTypeId 22).
  Custom: 'TYPE_CUSTOM_PROVIDER_SMS',
  Live_Chat: 'TYPE_LIVE_CHAT',
} as const;

/** ProcessMessageBodyDto.type values (add-an-inbound-message) a custom provider reports as text. */
export const INBOUND_TYPES = { ...REPLY_TYPES, GMB: 'TYPE_GMB', WebChat: 'TYPE_WEBCHAT' } as const;

export interface ReplyInput {
  type: keyof typeof REPLY_TYPES;
  message?: string;
  subject?: string;
  html?: string;
  attachments?: string[];
  /** Epoch seconds, as send-a-new-message takes it. */
  scheduledTimestamp?: number;
}

export interface InboundInput {
  type: keyof typeof INBOUND_TYPES;
  conversationProviderId: string;
  message?: string;
  subject?: string;
  html?: string;
  attachments?: string[];
  altId?: string;
  /** ISO 8601; default now. */
  date?: string;
}

export interface WrittenMessage {
  messageId: string;
  conversationId: string;
  emailMessageId?: string;
  status: string | null;
  /** Epoch ms when a scheduled reply will go out; null when sent now. */
  scheduledAt: number | null;
}

function checkContent(input: { type: string; message?: string; html?: string; attachments?: string[] }): void {
  if (input.type === 'Email') {
    if (!input.html && !input.message) {
      throw new ConsoleError('invalid_request', 'an Email needs html or message: give the email body', {
        field: 'message',
      });
    }
  } else if (!input.message && !(input.attachments && input.attachments.length > 0)) {
    throw new ConsoleError('invalid_request', `a ${input.type} message needs message (text) or attachments`, {
      field: 'message',
    });
  }
}

function contactOf(conversation: WriteConversation): string {
  if (conversation.contactId === null) {
    throw new ConsoleError(
      'invalid_request',
      `conversation ${conversation.conversationId} has no contact to write to`,
      {
        field: 'conversationId',
      },
    );
  }
  return conversation.contactId;
}

export async function sendReply(
  deps: ConsoleDeps,
  caller: Caller,
  conversationId: string,
  input: ReplyInput,
): Promise<WrittenMessage> {
  checkContent(input);
  const now = deps.now();
  let scheduledAt: number | null = null;
  if (input.scheduledTimestamp !== undefined) {
    scheduledAt = input.scheduledTimestamp * 1000;
    if (scheduledAt <= now) {
      throw new ConsoleError(
        'invalid_request',
        `scheduledTimestamp must be a future time in epoch seconds (now is ${Math.floor(now / 1000)}), got ${input.scheduledTimestamp}`,
        { field: 'scheduledTimestamp' },
      );
    }
  }
  const conversation = await conversationForWrite(deps, caller, conversationId);
  const contactId = contactOf(conversation);
  const answer = await callHighLevel(
    deps,
    caller,
    conversation.locationId,
    (client, options) =>
      client.conversations.sendMessage(
        {
          type: input.type,
          contactId,
          ...(input.message !== undefined ? { message: input.message } : {}),
          ...(input.subject !== undefined ? { subject: input.subject } : {}),
          ...(input.html !== undefined ? { html: input.html } : {}),
          ...(input.attachments !== undefined ? { attachments: input.attachments } : {}),
          ...(input.scheduledTimestamp !== undefined ? { scheduledTimestamp: input.scheduledTimestamp } : {}),
        },
        options,
      ),
    'send the reply',
  );
  // send-a-new-message's answer has no "scheduled" status, but the thread must show which messages
  // can still be cancelled, so a future send is mirrored as scheduled.
  const status = scheduledAt !== null ? 'scheduled' : answer.status;
  await mirror(deps, conversation, {
    messageId: answer.messageId,
    direction: 'outbound',
    type: REPLY_TYPES[input.type],
    status,
    body: input.type === 'Email' ? (input.html ?? input.message ?? '') : (input.message ?? ''),
    createdAt: scheduledAt ?? now,
    movesLastMessage: scheduledAt === null,
    ...(input.attachments ? { attachments: input.attachments } : {}),
  });
  return {
    messageId: answer.messageId,
    conversationId: answer.conversationId ?? conversationId,
    ...(answer.emailMessageId ? { emailMessageId: answer.emailMessageId } : {}),
    status,
    scheduledAt,
  };
}

export async function addInboundMessage(
  deps: ConsoleDeps,
  caller: Caller,
  conversationId: string,
  input: InboundInput,
): Promise<WrittenMessage> {
  checkContent(input);
  const date = input.date === undefined ? deps.now() : Date.parse(input.date);
  if (Number.isNaN(date)) {
    throw new ConsoleError('invalid_request', `date must be an ISO 8601 date-time, got ${input.date}`, {
      field: 'date',
    });
  }
  const conversation = await conversationForWrite(deps, caller, conversationId);
  const contactId = contactOf(conversation);
  const { date: _date, ...rest } = input;
  const answer = await callHighLevel(
    deps,
    caller,
    conversation.locationId,
    (client, options) =>
      client.conversations.addInboundMessage(
        // add-an-inbound-message's spec default direction is outbound, so inbound is said explicitly.
        { ...rest, conversationId, contactId, direction: 'inbound', ...(input.date ? { date: input.date } : {}) },
        options,
      ),
    'add the inbound message',
  );
  await mirror(deps, conversation, {
    messageId: answer.messageId,
    direction: 'inbound',
    type: INBOUND_TYPES[input.type],
    // ProcessMessageResponseDto carries no status; the next sync or webhook fills it in.
    status: null,
    body: input.type === 'Email' ? (input.html ?? input.message ?? '') : (input.message ?? ''),
    createdAt: answer.dateAdded ? Date.parse(answer.dateAdded) || date : date,
    movesLastMessage: true,
    ...(input.attachments ? { attachments: input.attachments } : {}),
    // HighLevel counts an inbound message as unread; its ConversationUnreadUpdate webhook will confirm.
    unreadCount: conversation.unreadCount + 1,
  });
  return {
    messageId: answer.messageId,
    conversationId: answer.conversationId ?? conversationId,
    ...(answer.emailMessageId ? { emailMessageId: answer.emailMessageId } : {}),
    status: null,
    scheduledAt: null,
  };
}

interface MirroredMessage {
  messageId: string;
  direction: 'inbound' | 'outbound';
  type: string;
  status: string | null;
  body: string;
  createdAt: number;
  movesLastMessage: boolean;
  unreadCount?: number;
  attachments?: string[];
}

/**
 * HighLevel has accepted the message by now, so a local copy that cannot be stored must not turn the
 * send into an error: the caller would retry and the contact get it twice. It is logged, and the next
 * index sync or webhook brings the message in.
 */
async function mirror(deps: ConsoleDeps, conversation: WriteConversation, message: MirroredMessage): Promise<void> {
  try {
    await storeLocalCopy(deps, conversation, message);
  } catch (error) {
    deps.logger.warn(
      { err: error, messageId: message.messageId, conversationId: conversation.conversationId },
      'sent to HighLevel, but the local copy could not be stored; the index sync will bring it in',
    );
  }
}

async function storeLocalCopy(
  deps: ConsoleDeps,
  conversation: WriteConversation,
  message: MirroredMessage,
): Promise<void> {
  const updatedAt = Math.max(deps.now(), conversation.updatedAt);
  await deps.index.upsertMessage({
    messageId: message.messageId,
    conversationId: conversation.conversationId,
    locationId: conversation.locationId,
    direction: message.direction,
    type: message.type,
    status: message.status,
    body: message.body,
    createdAt: message.createdAt,
    ...(message.attachments ? { attachments: message.attachments } : {}),
    updatedAt,
  });
  const newer = message.movesLastMessage && message.createdAt >= conversation.lastMessageAt;
  await deps.index.upsertConversation({
    conversationId: conversation.conversationId,
    locationId: conversation.locationId,
    ...(conversation.contactId !== null ? { contactId: conversation.contactId } : {}),
    ...(newer ? { lastMessageAt: message.createdAt, lastMessageBody: message.body } : {}),
    ...(message.unreadCount !== undefined ? { unreadCount: message.unreadCount } : {}),
    updatedAt,
  });
}

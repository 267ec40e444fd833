/**
 * add-an-inbound-message and add-an-outbound-message: messages a conversation provider
 * reports, including calls, which get call data, a recording and a transcription.
 */
import type { components } from '../../../highlevel/generated/conversations.js';
import { transcriptDurationSeconds, transcriptFor } from '../media/transcript.js';
import type {
  CallData,
  ContactRecord,
  ConversationRecord,
  Direction,
  EmailData,
  MessageRecord,
} from '../state/records.js';
import type { SandboxState } from '../state/sandbox-state.js';
import { writeMessage } from '../state/write-message.js';
import type { SandboxContext } from '../types.js';
import { requireConversation } from './access.js';
import { badRequest } from './domain-error.js';
import type { HandlerDeps, HandlerMap } from './handler-deps.js';
import { isRecordedCall, messageTypeForChannel } from './message-types.js';
import { EMAIL_PROVIDER, LOCATION_EMAIL, LOCATION_PHONE } from './sandbox-senders.js';
import { iso } from './views.js';
import { messageEvent, unreadUpdateEvent } from './webhook-events.js';

type Schemas = components['schemas'];
type InboundBody = Schemas['ProcessMessageBodyDto'];
type CallInput = Schemas['CallDataDTO'] | undefined;

export function providerMessageHandlers({ state }: HandlerDeps): HandlerMap {
  return {
    'add-an-inbound-message': (req, ctx) => {
      const body = req.body as InboundBody;
      const conversation = requireConversation(state, req.principal, body.conversationId);
      if (conversation.contactId !== body.contactId) {
        throw badRequest(`conversationId ${conversation.id} is not the conversation of contactId ${body.contactId}`);
      }
      // The spec's default direction is outbound, but this endpoint exists to add inbound messages,
      // so the sandbox takes inbound unless the body says outbound.
      const direction: Direction = body.direction === 'outbound' ? 'outbound' : 'inbound';
      const message = recordProviderMessage(state, ctx, conversation, body.type, direction, body);
      if (direction === 'inbound') {
        conversation.unreadCount += 1;
        const contact = state.contacts.get(conversation.contactId);
        ctx.emit(messageEvent('InboundMessage', message, contact));
        ctx.emit(unreadUpdateEvent(conversation));
      } else {
        ctx.emit(messageEvent('OutboundMessage', message, state.contacts.get(conversation.contactId)));
      }
      return { status: 200, body: processResponse(message) };
    },

    'add-an-outbound-message': (req, ctx) => {
      const body = req.body as Schemas['ProcessOutboundMessageBodyDto'];
      const conversation = requireConversation(state, req.principal, body.conversationId);
      const message = recordProviderMessage(state, ctx, conversation, body.type, 'outbound', body);
      ctx.emit(messageEvent('OutboundMessage', message, state.contacts.get(conversation.contactId)));
      return { status: 200, body: processResponse(message) };
    },
  };
}

interface ProviderBody {
  message?: string;
  html?: string;
  subject?: string;
  attachments?: string[];
  conversationProviderId: string;
  altId?: string;
  date?: string;
  call?: CallInput;
  emailFrom?: string;
  emailTo?: string;
  emailCc?: string[];
  emailBcc?: string[];
  emailMessageId?: string;
}

function recordProviderMessage(
  state: SandboxState,
  ctx: SandboxContext,
  conversation: ConversationRecord,
  type: string,
  direction: Direction,
  body: ProviderBody,
): MessageRecord {
  const messageType = messageTypeForChannel(type);
  if (!messageType) throw badRequest(`type ${type} is not a message type this endpoint accepts`);
  const now = ctx.now();
  const dateAdded = body.date === undefined ? now : Date.parse(body.date);
  if (Number.isNaN(dateAdded)) throw badRequest(`date must be an ISO 8601 date, got ${body.date}`);
  const contact = state.contacts.get(conversation.contactId);
  const id = ctx.newId();
  const isCall = isRecordedCall(messageType);
  const transcript = isCall ? transcriptFor(state.messages.size) : null;
  const isEmail = messageType === 'TYPE_EMAIL';
  return writeMessage(
    state,
    conversation,
    {
      id,
      messageType,
      direction,
      status: 'delivered',
      dateAdded,
      source: 'api',
      body: isEmail ? (body.html ?? body.message ?? '') : (body.message ?? ''),
      contentType: isEmail && body.html ? 'text/html' : 'text/plain',
      attachments: body.attachments ?? [],
      conversationProviderId: body.conversationProviderId,
      altId: body.altId ?? null,
      call: isCall ? callData(body.call, direction, contact, transcriptDurationSeconds(transcript!)) : null,
      transcript,
      email: isEmail ? emailData(state, ctx, id, direction, contact, body) : null,
    },
    now,
  );
}

/** Numbers default to the contact's phone on the contact's side and the location's number on ours. */
function callData(
  call: CallInput,
  direction: Direction,
  contact: ContactRecord | undefined,
  seconds: number,
): CallData {
  const theirs = contact?.phone ?? '';
  return {
    from: call?.from ?? (direction === 'inbound' ? theirs : LOCATION_PHONE),
    to: call?.to ?? (direction === 'inbound' ? LOCATION_PHONE : theirs),
    status: call?.status ?? 'completed',
    durationSeconds: seconds,
  };
}

function emailData(
  state: SandboxState,
  ctx: SandboxContext,
  id: string,
  direction: Direction,
  contact: ContactRecord | undefined,
  body: ProviderBody,
): EmailData {
  // emailMessageId names the email this one replies to, so it joins that thread (the spec).
  const repliedTo = body.emailMessageId ? state.messages.getByEmailId(body.emailMessageId) : undefined;
  const theirs = contact?.email ?? '';
  return {
    emailMessageId: ctx.newId(),
    threadId: repliedTo?.email?.threadId ?? id,
    from: body.emailFrom ?? (direction === 'inbound' ? theirs : LOCATION_EMAIL),
    to: [body.emailTo ?? (direction === 'inbound' ? LOCATION_EMAIL : theirs)],
    cc: body.emailCc ?? [],
    bcc: body.emailBcc ?? [],
    subject: body.subject ?? null,
    provider: body.conversationProviderId ? 'custom' : EMAIL_PROVIDER,
  };
}

function processResponse(m: MessageRecord): Schemas['ProcessMessageResponseDto'] {
  return {
    success: true,
    conversationId: m.conversationId,
    messageId: m.id,
    message: 'Message added successfully',
    contactId: m.contactId,
    dateAdded: iso(m.dateAdded),
    ...(m.email ? { emailMessageId: m.email.emailMessageId } : {}),
  };
}

/** send-a-new-message: an outbound message to a contact, sent now or scheduled. */
import type { components } from '../../../highlevel/generated/conversations.js';
import type { ContactRecord, EmailData, MessageRecord, MessageType } from '../state/records.js';
import type { SandboxState } from '../state/sandbox-state.js';
import { openConversation } from '../state/write-conversation.js';
import { writeMessage } from '../state/write-message.js';
import type { SandboxContext } from '../types.js';
import { requireContact } from './access.js';
import { badRequest, unprocessable } from './domain-error.js';
import type { HandlerDeps, HandlerMap } from './handler-deps.js';
import { messageTypeForChannel, requiredAddress } from './message-types.js';
import { EMAIL_PROVIDER, LOCATION_EMAIL, LOCATION_PHONE } from './sandbox-senders.js';
import { messageEvent } from './webhook-events.js';

type Schemas = components['schemas'];
type SendBody = Schemas['SendMessageBodyDto'];

export function sendMessageHandlers({ state }: HandlerDeps): HandlerMap {
  return {
    'send-a-new-message': (req, ctx) => {
      const body = req.body as SendBody;
      const contact = requireContact(state, req.principal, body.contactId);
      const messageType = messageTypeForChannel(body.type);
      if (!messageType)
        throw badRequest(`type ${String(body.type)} cannot be sent: use one of SendMessageBodyDto.type`);
      checkSendable(contact, messageType, body);

      const now = ctx.now();
      // scheduledTimestamp is a UTC timestamp in seconds (the spec); a time not in the future sends now.
      const scheduledAt = typeof body.scheduledTimestamp === 'number' ? body.scheduledTimestamp * 1000 : null;
      const scheduled = scheduledAt !== null && scheduledAt > now;
      const conversation =
        state.conversations.ofContact(contact.id) ?? openConversation(state, contact, now, ctx.newId());
      const id = ctx.newId();
      const isEmail = messageType === 'TYPE_EMAIL';
      const message = writeMessage(
        state,
        conversation,
        {
          id,
          messageType,
          direction: 'outbound',
          // Sent immediately counts as delivered at once: the sandbox keeps no sent→delivered progression.
          status: scheduled ? 'scheduled' : 'delivered',
          dateAdded: scheduled ? scheduledAt : now,
          scheduledAt: scheduled ? scheduledAt : null,
          source: 'api',
          body: isEmail ? (body.html ?? body.message ?? '') : (body.message ?? ''),
          contentType: isEmail && body.html ? 'text/html' : 'text/plain',
          attachments: body.attachments ?? [],
          conversationProviderId: body.conversationProviderId ?? null,
          email: isEmail ? emailData(state, ctx, id, contact, body) : null,
          fromNumber: requiredAddress(messageType) === 'phone' ? (body.fromNumber ?? LOCATION_PHONE) : null,
          toNumber: requiredAddress(messageType) === 'phone' ? (body.toNumber ?? contact.phone) : null,
        },
        now,
      );
      // A scheduled message sends its webhook when its time comes (deliver-due.ts).
      if (!scheduled) ctx.emit(messageEvent('OutboundMessage', message, contact));
      return { status: 200, body: sendResponse(message) };
    },
  };
}

/** SendMessageResponseDto, shared by send, review reply and status updates. */
export function sendResponse(m: MessageRecord, msg?: string): Schemas['SendMessageResponseDto'] {
  return {
    conversationId: m.conversationId,
    messageId: m.id,
    ...(m.email ? { emailMessageId: m.email.emailMessageId } : {}),
    msg: msg ?? 'Message queued successfully.',
    status: writeSideStatus(m),
  };
}

/** The write-side status enum is delivered|failed|pending|read; a scheduled message is pending. */
function writeSideStatus(m: MessageRecord): Schemas['SendMessageResponseDto']['status'] {
  if (m.status === 'delivered' || m.status === 'failed' || m.status === 'read') return m.status;
  return 'pending';
}

function checkSendable(contact: ContactRecord, type: MessageType, body: SendBody): void {
  const need = requiredAddress(type);
  if (need === 'phone' && !contact.phone && !body.toNumber) {
    throw unprocessable([`phone: contact ${contact.id} has no phone number, which ${body.type} messages need`]);
  }
  if (need === 'email' && !contact.email && !body.emailTo) {
    throw unprocessable([`email: contact ${contact.id} has no email address, which Email messages need`]);
  }
  if (type === 'TYPE_EMAIL' && !body.html && !body.message) {
    throw unprocessable(['html or message is required for Email: give the email body']);
  }
  if (type !== 'TYPE_EMAIL' && !body.message && !(body.attachments && body.attachments.length > 0)) {
    throw unprocessable([`message or attachments is required for ${body.type}: give the text or files to send`]);
  }
}

/** Email record; a reply joins the thread of the email it answers (threadId, else replyMessageId's thread). */
function emailData(
  state: SandboxState,
  ctx: SandboxContext,
  id: string,
  contact: ContactRecord,
  body: SendBody,
): EmailData {
  const replied = body.replyMessageId ? state.messages.get(body.replyMessageId) : undefined;
  return {
    emailMessageId: ctx.newId(),
    threadId: body.threadId ?? replied?.email?.threadId ?? id,
    from: body.emailFrom ?? LOCATION_EMAIL,
    to: [body.emailTo ?? contact.email ?? ''],
    cc: body.emailCc ?? [],
    bcc: body.emailBcc ?? [],
    subject: body.subject ?? null,
    provider: EMAIL_PROVIDER,
  };
}

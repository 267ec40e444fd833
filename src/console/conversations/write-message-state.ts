/**
 * Writes to one message's state: a provider's delivery status (update-message-status) and cancelling a
 * scheduled message or email (cancel-scheduled-message, cancel-scheduled-email-message). The index row
 * follows HighLevel's answer so the thread shows the new state at once.
 */
import type { Caller } from '../auth/resolve-caller.js';
import type { ConsoleDeps } from '../console-deps.js';
import { ConsoleError } from '../console-error.js';
import { statusChangeRefusal } from './message-status-rules.js';
import { emailForWrite, messageForWrite, type WriteConversation, type WriteMessage } from './write-targets.js';
import { callHighLevel } from './write-upstream.js';

/** UpdateMessageStatusDto.status (specs/highlevel/apps/conversations.json), the write-side enum. */
export const MESSAGE_STATUSES = ['delivered', 'failed', 'pending', 'read'] as const;

export interface MessageStatusInput {
  status: (typeof MESSAGE_STATUSES)[number];
  /** ErrorDto: why a failed message failed. */
  error?: { code: string; type: string; message: string };
}

export interface MessageStateResult {
  messageId: string;
  conversationId: string;
  status: string;
}

export async function updateMessageStatus(
  deps: ConsoleDeps,
  caller: Caller,
  messageId: string,
  input: MessageStatusInput,
): Promise<MessageStateResult> {
  const { message, conversation } = await messageForWrite(deps, caller, messageId);
  // What the index knows decides before HighLevel is asked; a message it does not hold yet is HighLevel's to judge.
  const refusal = message === null ? null : statusChangeRefusal(message, true);
  if (refusal !== null) throw new ConsoleError('invalid_request', refusal, { field: 'messageId' });
  const answer = await callHighLevel(
    deps,
    caller,
    conversation.locationId,
    (client, options) =>
      client.conversations.updateMessageStatus(
        messageId,
        { status: input.status, ...(input.status === 'failed' && input.error ? { error: input.error } : {}) },
        options,
      ),
    "set the message's status",
  );
  const status = answer.status ?? input.status;
  await setIndexedStatus(deps, message, conversation, status);
  return { messageId, conversationId: conversation.conversationId, status };
}

export async function cancelScheduledMessage(
  deps: ConsoleDeps,
  caller: Caller,
  messageId: string,
): Promise<MessageStateResult> {
  const { message, conversation } = await messageForWrite(deps, caller, messageId);
  if (message !== null && message.status !== null && message.status !== 'scheduled') {
    throw new ConsoleError(
      'invalid_request',
      `This message is not scheduled (its status is "${message.status}"), so there is no scheduled send to cancel.`,
      { field: 'messageId' },
    );
  }
  // A scheduled email is cancelled by its email message id (cancel-scheduled-email), which the index does
  // not keep: HighLevel's message carries it in meta.email.messageIds. So one console action cancels either.
  const emailMessageId = (await isEmailMessage(deps, messageId))
    ? await emailIdOf(deps, caller, conversation.locationId, messageId)
    : null;
  if (emailMessageId !== null) {
    await cancelScheduledEmail(deps, caller, emailMessageId);
  } else {
    await callHighLevel(
      deps,
      caller,
      conversation.locationId,
      (client, options) => client.conversations.cancelScheduledMessage(messageId, options),
      'cancel the scheduled send',
    );
  }
  await setIndexedStatus(deps, message, conversation, 'cancelled');
  return { messageId, conversationId: conversation.conversationId, status: 'cancelled' };
}

async function isEmailMessage(deps: ConsoleDeps, messageId: string): Promise<boolean> {
  const row = await deps.db
    .selectFrom('index_messages')
    .select('type')
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  return row?.type === 'TYPE_EMAIL' || row?.type === 'Email';
}

async function emailIdOf(
  deps: ConsoleDeps,
  caller: Caller,
  locationId: string,
  messageId: string,
): Promise<string | null> {
  const answer = await callHighLevel(
    deps,
    caller,
    locationId,
    (client, options) => client.call('get-message', { path: { id: messageId }, ...options }),
    'look up the scheduled email',
  );
  const meta = (answer.data as { meta?: { email?: { messageIds?: unknown } } } | null)?.meta;
  const ids = meta?.email?.messageIds;
  return Array.isArray(ids) && typeof ids[0] === 'string' ? ids[0] : null;
}

export async function cancelScheduledEmail(
  deps: ConsoleDeps,
  caller: Caller,
  emailMessageId: string,
): Promise<{ emailMessageId: string; conversationId: string; status: string }> {
  const { conversation, dateAdded } = await emailForWrite(deps, caller, emailMessageId);
  await callHighLevel(
    deps,
    caller,
    conversation.locationId,
    (client, options) => client.conversations.cancelScheduledEmail(emailMessageId, options),
    'cancel the scheduled email',
  );
  // The index keys messages by message id and does not store email ids; a scheduled email's message is
  // the scheduled TYPE_EMAIL row of that conversation at the email's send time (dateAdded).
  if (dateAdded !== null) {
    await deps.db
      .updateTable('index_messages')
      .set({ status: 'cancelled', updated_at: deps.now() })
      .where('conversation_id', '=', conversation.conversationId)
      .where('type', '=', 'TYPE_EMAIL')
      .where('status', '=', 'scheduled')
      .where('created_at', '=', dateAdded)
      .execute();
  }
  return { emailMessageId, conversationId: conversation.conversationId, status: 'cancelled' };
}

async function setIndexedStatus(
  deps: ConsoleDeps,
  message: WriteMessage | null,
  conversation: WriteConversation,
  status: string,
): Promise<void> {
  // A message the index does not hold yet is left to the next sync, which brings all its fields.
  if (message === null) return;
  await deps.index.upsertMessage({
    messageId: message.messageId,
    conversationId: conversation.conversationId,
    locationId: message.locationId,
    status,
    createdAt: message.createdAt,
    updatedAt: Math.max(deps.now(), message.updatedAt),
  });
}

import type {
  CallData,
  ConversationRecord,
  Direction,
  EmailData,
  MessageRecord,
  MessageSource,
  MessageStatus,
  MessageType,
  TranscriptSentence,
} from './records.js';
import type { SandboxState } from './sandbox-state.js';

export interface NewMessage {
  id: string;
  messageType: MessageType;
  direction: Direction;
  status: MessageStatus;
  dateAdded: number;
  source: MessageSource;
  body?: string | undefined;
  contentType?: string | undefined;
  attachments?: string[] | undefined;
  scheduledAt?: number | null | undefined;
  userId?: string | null | undefined;
  conversationProviderId?: string | null | undefined;
  altId?: string | null | undefined;
  call?: CallData | null | undefined;
  transcript?: TranscriptSentence[] | null | undefined;
  email?: EmailData | null | undefined;
  fromNumber?: string | null | undefined;
  toNumber?: string | null | undefined;
}

/** Sources HighLevel counts as automated for search's `lastMessageAction`; everything else is manual. */
const AUTOMATED: ReadonlySet<MessageSource> = new Set<MessageSource>(['workflow', 'bulk_actions', 'campaign']);

export function isAutomated(message: MessageRecord): boolean {
  return AUTOMATED.has(message.source);
}

/** Stores a message in its conversation; a visible one (not scheduled) becomes the last message if newest. */
export function writeMessage(
  state: SandboxState,
  conversation: ConversationRecord,
  input: NewMessage,
  now: number,
): MessageRecord {
  const message: MessageRecord = {
    id: input.id,
    seq: state.messages.nextSeq(),
    locationId: conversation.locationId,
    contactId: conversation.contactId,
    conversationId: conversation.id,
    messageType: input.messageType,
    direction: input.direction,
    status: input.status,
    body: input.body ?? '',
    contentType: input.contentType ?? 'text/plain',
    attachments: input.attachments ?? [],
    dateAdded: input.dateAdded,
    dateUpdated: now,
    scheduledAt: input.scheduledAt ?? null,
    source: input.source,
    userId: input.userId ?? null,
    conversationProviderId: input.conversationProviderId ?? null,
    altId: input.altId ?? null,
    error: null,
    call: input.call ?? null,
    transcript: input.transcript ?? null,
    email: input.email ?? null,
    fromNumber: input.fromNumber ?? null,
    toNumber: input.toNumber ?? null,
  };
  state.messages.insert(message);
  if (message.status !== 'scheduled') noteVisibleMessage(state, conversation, message, now);
  return message;
}

/** Moves the conversation's last-message pointer when `message` is newer than the current last one. */
export function noteVisibleMessage(
  state: SandboxState,
  conversation: ConversationRecord,
  message: MessageRecord,
  now: number,
): void {
  const current = conversation.lastMessageId ? state.messages.get(conversation.lastMessageId) : undefined;
  const newer =
    !current ||
    message.dateAdded > current.dateAdded ||
    (message.dateAdded === current.dateAdded && message.seq > current.seq);
  if (newer) conversation.lastMessageId = message.id;
  if (!isAutomated(message)) {
    conversation.lastManualMessageDate = Math.max(conversation.lastManualMessageDate ?? 0, message.dateAdded);
  }
  conversation.dateUpdated = now;
}

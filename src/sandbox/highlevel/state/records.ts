/**
 * The sandbox's stored records. They hold what HighLevel keeps per contact, conversation and message;
 * the handlers turn them into the spec's response shapes (handlers/views.ts), so the records stay free
 * of wire details such as ISO dates or numeric type codes.
 */
import type { components } from '../../../highlevel/generated/conversations.js';

type Schemas = components['schemas'];

/** The REST `TYPE_*` message type vocabulary (MessageType in specs/highlevel/apps/conversations.json). */
export type MessageType = Schemas['GetMessageResponseDto']['messageType'];
/** Read-side message status, plus `cancelled`, which only the sandbox keeps (see cancel-scheduled.ts). */
export type MessageStatus = NonNullable<Schemas['GetMessageResponseDto']['status']> | 'cancelled';
export type CallStatus = NonNullable<Schemas['CallDataDTO']['status']>;
export type MessageSource = NonNullable<Schemas['GetMessageResponseDto']['source']>;
export type Direction = 'inbound' | 'outbound';

export interface ContactRecord {
  id: string;
  locationId: string;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  name: string | null;
  tags: string[];
  customFields: unknown[];
  dateAdded: number;
  dateUpdated: number;
}

export interface ConversationRecord {
  id: string;
  locationId: string;
  contactId: string;
  /** Channel of the conversation: phone when the contact had a phone at creation, else email. */
  channel: 'phone' | 'email';
  unreadCount: number;
  starred: boolean;
  inbox: boolean;
  deleted: boolean;
  assignedTo: string | null;
  feedback: 'positive' | 'negative' | null;
  dateAdded: number;
  dateUpdated: number;
  /** The newest visible (not scheduled, not cancelled) message, or null before the first one. */
  lastMessageId: string | null;
  /** Date of the newest non-automated message (search `sortBy=last_manual_message_date`). */
  lastManualMessageDate: number | null;
}

export interface CallData {
  to: string;
  from: string;
  status: CallStatus;
  /** Seconds, as MessageMeta.callDuration reports it. */
  durationSeconds: number;
}

/** One transcript sentence, exactly the spec's GetMessageTranscriptionResponseDto. */
export type TranscriptSentence = components['schemas']['GetMessageTranscriptionResponseDto'];

export interface EmailData {
  /** The email message id (GetEmailMessageResponseDto.id, SendMessageResponseDto.emailMessageId). */
  emailMessageId: string;
  threadId: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string | null;
  provider: string;
}

export interface MessageRecord {
  id: string;
  /** Global insertion order: the tie-breaker wherever messages sort by date. */
  seq: number;
  locationId: string;
  contactId: string;
  conversationId: string;
  messageType: MessageType;
  direction: Direction;
  status: MessageStatus;
  body: string;
  contentType: string;
  attachments: string[];
  /** Creation time, or the scheduled send time for scheduled messages (so the thread orders them where they will land). */
  dateAdded: number;
  dateUpdated: number;
  /** Set while the message waits for its scheduled time (ms). */
  scheduledAt: number | null;
  source: MessageSource;
  userId: string | null;
  conversationProviderId: string | null;
  altId: string | null;
  error: { code: string; type: string; message: string } | null;
  call: CallData | null;
  transcript: TranscriptSentence[] | null;
  email: EmailData | null;
  /** SMS sender and receiver numbers, reported in webhooks as live payloads do (see handlers/webhook-events.ts). */
  fromNumber: string | null;
  toNumber: string | null;
}

export interface StoredFile {
  id: string;
  locationId: string;
  filename: string;
  contentType: string;
  data: Buffer;
  url: string;
  dateAdded: number;
}

export interface UploadRecord {
  uploadId: string;
  locationId: string;
  conversationId: string;
  filename: string;
  contentType: string;
  filePath: string;
  expiresAt: number;
  maxFileSize: number;
  declaredSize: number | null;
  /** Bytes PUT to the signed URL, when the HTTP layer receives them (see SandboxState.receiveUpload). */
  data: Buffer | null;
  completed: boolean;
}

export interface CustomSubtypeRecord {
  id: string;
  locationId: string;
  name: string;
  description: string | null;
  channel: 'email' | 'sms';
  language: string;
  archived: boolean;
  dateAdded: number;
  dateUpdated: number;
}

export type SubscriptionStatus = 'subscribed' | 'unsubscribed';

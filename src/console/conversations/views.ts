/**
 * What the console's read side returns, to the REST API (as JSON) and to the pages (as template data).
 * Times are epoch ms. Filled from the local index, or from HighLevel on a miss (then mirrored).
 */
export interface ConversationSearchQuery {
  attendeeId?: string;
  email?: string;
  name?: string;
  /** Free text over message bodies and call transcripts. */
  topic?: string;
  status?: 'read' | 'unread' | 'starred';
  /** Accelevents event URL (the index's event_key). */
  event?: string;
  /** Inclusive bounds on the last message time. */
  from?: number;
  to?: number;
  locationId?: string;
  /** 1–100. */
  limit: number;
  cursor?: string | null;
}

export interface ConversationView {
  conversationId: string;
  locationId: string;
  contactId: string | null;
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  eventKey: string | null;
  unreadCount: number;
  starred: boolean;
  /** In the sponsor channel (sponsors see only these). */
  sponsor: boolean;
  lastMessageAt: number;
  lastMessageBody: string | null;
}

export interface MessageView {
  messageId: string;
  conversationId: string;
  direction: string | null;
  /** HighLevel's message type, e.g. TYPE_SMS, TYPE_EMAIL, TYPE_CALL. */
  type: string | null;
  /** HighLevel's status: pending, scheduled, sent, delivered, read, failed, … */
  status: string | null;
  /** Null once retention cleared it. */
  body: string | null;
  createdAt: number;
  hasRecording: boolean;
  hasTranscript: boolean;
  /** Attachment URLs as HighLevel gave them (possibly relative to its API); empty when none. */
  attachments: string[];
  /** Email messages: the email message id `DELETE /api/emails/:id/schedule` takes, when known. */
  emailMessageId?: string | null;
}

export interface MessagePage {
  /** Newest first; `nextCursor` pages toward older messages. */
  items: MessageView[];
  nextCursor: string | null;
}

export interface TranscriptSentence {
  /** Seconds from the start of the call, when HighLevel gives them. */
  startTime: number | null;
  endTime: number | null;
  mediaChannel: number | null;
  text: string;
}

export interface TranscriptView {
  messageId: string;
  conversationId: string;
  sentences: TranscriptSentence[];
  /** The sentences joined by newlines: what the download contains. */
  text: string;
}

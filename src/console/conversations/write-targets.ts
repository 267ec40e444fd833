/**
 * Finds what a write acts on and checks the caller may touch it, through the read side's lookups (local
 * index first, HighLevel on a miss, then mirrored). A sponsor may write only to their own sponsor's
 * sponsor-channel conversations; anything else gets the read side's refusal (conversation-access.ts).
 */
import type { Caller } from '../auth/resolve-caller.js';
import type { ConsoleDeps } from '../console-deps.js';
import { ConsoleError } from '../console-error.js';
import { conversationOfMessage, getConversationForCaller, hiddenIfMissing } from './read-conversations.js';
import { callHighLevel } from './write-upstream.js';

export interface WriteConversation {
  conversationId: string;
  locationId: string;
  contactId: string | null;
  sponsor: boolean;
  unreadCount: number;
  lastMessageAt: number;
  /** The index row's updated_at, or 0 when the conversation is not mirrored. */
  updatedAt: number;
}

export interface WriteMessage {
  messageId: string;
  conversationId: string;
  locationId: string;
  direction: string | null;
  type: string | null;
  status: string | null;
  createdAt: number;
  updatedAt: number;
}

export async function locationOrFail(deps: Pick<ConsoleDeps, 'defaultLocationId'>): Promise<string> {
  const locationId = await deps.defaultLocationId();
  if (locationId === null) {
    throw new ConsoleError('no_location', 'no HighLevel location is connected; connect one before writing');
  }
  return locationId;
}

export async function conversationForWrite(
  deps: ConsoleDeps,
  caller: Caller,
  conversationId: string,
): Promise<WriteConversation> {
  // The read side applies the sponsor rule and mirrors a conversation the index lacks (read-conversations.ts).
  const view = await getConversationForCaller(deps, caller, conversationId);
  const row = await deps.db
    .selectFrom('index_conversations')
    .select('updated_at')
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  return {
    conversationId,
    locationId: view.locationId,
    contactId: view.contactId,
    sponsor: view.sponsor,
    unreadCount: view.unreadCount,
    lastMessageAt: view.lastMessageAt,
    updatedAt: row ? Number(row.updated_at) : 0,
  };
}

export async function messageForWrite(
  deps: ConsoleDeps,
  caller: Caller,
  messageId: string,
): Promise<{ message: WriteMessage | null; conversation: WriteConversation }> {
  // Index first, else get-message upstream (then mirrored); 403 for a sponsor outside their channel.
  const view = await conversationOfMessage(deps, caller, messageId);
  const conversation = await conversationForWrite(deps, caller, view.conversationId);
  const row = await deps.db
    .selectFrom('index_messages')
    .selectAll()
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  const message: WriteMessage | null = row
    ? {
        messageId,
        conversationId: row.conversation_id,
        locationId: row.location_id,
        direction: row.direction,
        type: row.type,
        status: row.status,
        createdAt: Number(row.created_at),
        updatedAt: Number(row.updated_at),
      }
    : null;
  return { message, conversation };
}

/** The conversation an email message belongs to (get-email-by-id). */
export async function emailForWrite(
  deps: ConsoleDeps,
  caller: Caller,
  emailMessageId: string,
): Promise<{ conversation: WriteConversation; dateAdded: number | null }> {
  const locationId = await locationOrFail(deps);
  const answer = await callHighLevel(
    deps,
    caller,
    locationId,
    (client, options) =>
      client.call<{ conversationId: string; dateAdded?: string }>('get-email-by-id', {
        ...options,
        path: { id: emailMessageId },
      }),
    'look up the email',
  ).catch((error: unknown) => hiddenIfMissing(error, caller));
  const conversation = await conversationForWrite(deps, caller, answer.data.conversationId);
  const dateAdded = answer.data.dateAdded ? Date.parse(answer.data.dateAdded) : Number.NaN;
  return { conversation, dateAdded: Number.isNaN(dateAdded) ? null : dateAdded };
}

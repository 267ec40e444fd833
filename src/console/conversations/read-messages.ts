/**
 * A conversation's messages for the console: from index_messages, newest first, keyset paging on
 * (created_at desc, message_id desc). A conversation whose messages the index has never seen (it was
 * fetched on demand, or the sync has not reached it) gets them from HighLevel first: get-messages,
 * page by page on `lastMessageId`, up to MAX_FETCHED_PAGES.
 */
import type { Caller } from '../auth/resolve-caller.js';
import { actorOf, type ConsoleDeps } from '../console-deps.js';
import { getConversationForCaller } from './read-conversations.js';
import { decodeMessageCursor, encodeMessageCursor, epochMs, messageViewOf } from './read-rows.js';
import type { ConversationView, MessagePage } from './views.js';

/** get-messages answers at most 100 a page; 20 pages keeps an on-demand fetch inside one request. */
const FETCH_PAGE_SIZE = 100;
export const MAX_FETCHED_PAGES = 20;

export async function listMessagesForCaller(
  deps: ConsoleDeps,
  caller: Caller,
  conversationId: string,
  page: { limit: number; cursor?: string | null },
): Promise<MessagePage> {
  const after = page.cursor ? decodeMessageCursor(page.cursor) : null;
  const conversation = await getConversationForCaller(deps, caller, conversationId);
  const any = await deps.db
    .selectFrom('index_messages')
    .select('message_id')
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  if (!any) await mirrorMessages(deps, caller, conversation);

  const rows = await deps.db
    .selectFrom('index_messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where((eb) =>
      after
        ? eb.or([
            eb('created_at', '<', after[0]),
            eb.and([eb('created_at', '=', after[0]), eb('message_id', '<', after[1])]),
          ])
        : eb.and([]),
    )
    .orderBy('created_at', 'desc')
    .orderBy('message_id', 'desc')
    .limit(page.limit + 1)
    .execute();
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return {
    items: items.map(messageViewOf),
    nextCursor: rows.length > page.limit && last ? encodeMessageCursor(Number(last.created_at), last.message_id) : null,
  };
}

async function mirrorMessages(deps: ConsoleDeps, caller: Caller, conversation: ConversationView): Promise<void> {
  const { conversationId, locationId } = conversation;
  const api = deps.highlevel.client.conversations;
  const fetchedAt = deps.now();
  let newest: { at: number; body: string | null } | null = null;
  let lastMessageId: string | undefined;
  for (let pages = 0; pages < MAX_FETCHED_PAGES; pages++) {
    const found = await deps.highlevel.runAs(actorOf(caller), () =>
      api.getMessages(
        conversationId,
        { limit: FETCH_PAGE_SIZE, ...(lastMessageId ? { lastMessageId } : {}) },
        { locationId, lane: 'agent' },
      ),
    );
    for (const message of found.messages) {
      const createdAt = epochMs(message.dateAdded) ?? fetchedAt;
      await deps.index.upsertMessage({
        messageId: message.id,
        conversationId,
        locationId,
        direction: message.direction ?? null,
        type: message.messageType ?? null,
        status: message.status ?? null,
        body: message.body ?? null,
        createdAt,
        hasRecording: message.messageType === 'TYPE_CALL',
        ...(message.attachments ? { attachments: message.attachments.filter((url) => typeof url === 'string') } : {}),
        updatedAt: fetchedAt,
      });
      if (!newest || createdAt > newest.at) newest = { at: createdAt, body: message.body ?? null };
    }
    if (!found.nextPage || !found.lastMessageId || found.messages.length === 0) break;
    lastMessageId = found.lastMessageId;
  }
  // get-conversation carries no last message, so an on-demand conversation takes it from here.
  if (newest && newest.at > conversation.lastMessageAt) {
    await deps.db
      .updateTable('index_conversations')
      .set({ last_message_at: newest.at, last_message_body: newest.body })
      .where('conversation_id', '=', conversationId)
      .where('last_message_at', '<', newest.at)
      .execute();
  }
}

/**
 * Conversation-level writes: mark read/unread and star/unstar (update-conversation), and delete
 * (delete-conversation). Each changes HighLevel first and then the local index, so the console's search
 * reflects the change at once instead of after the next webhook or sync.
 */
import type { Caller } from '../auth/resolve-caller.js';
import type { ConsoleDeps } from '../console-deps.js';
import { ConsoleError } from '../console-error.js';
import { conversationForWrite } from './write-targets.js';
import { callHighLevel } from './write-upstream.js';

export interface ConversationFlags {
  unread?: boolean;
  starred?: boolean;
}

export interface ConversationFlagsResult {
  conversationId: string;
  unreadCount: number;
  starred: boolean;
}

export async function updateConversationFlags(
  deps: ConsoleDeps,
  caller: Caller,
  conversationId: string,
  flags: ConversationFlags,
): Promise<ConversationFlagsResult> {
  if (flags.unread === undefined && flags.starred === undefined) {
    throw new ConsoleError('invalid_request', 'give unread or starred (true or false), or both', { field: 'unread' });
  }
  const conversation = await conversationForWrite(deps, caller, conversationId);
  // HighLevel has no unread flag, only unreadCount (UpdateConversationDto): "unread" keeps a count that
  // is already above 0 and otherwise sets 1, "read" sets 0.
  const unreadCount = flags.unread === undefined ? undefined : flags.unread ? Math.max(conversation.unreadCount, 1) : 0;
  const answer = await callHighLevel(
    deps,
    caller,
    conversation.locationId,
    (client, options) =>
      client.conversations.updateConversation(
        conversationId,
        {
          locationId: conversation.locationId,
          ...(unreadCount !== undefined ? { unreadCount } : {}),
          ...(flags.starred !== undefined ? { starred: flags.starred } : {}),
        },
        options,
      ),
    'update the conversation',
  );
  const updated = answer.conversation as { unreadCount?: number; starred?: boolean } | undefined;
  const result: ConversationFlagsResult = {
    conversationId,
    unreadCount: updated?.unreadCount ?? unreadCount ?? conversation.unreadCount,
    starred: updated?.starred ?? flags.starred ?? false,
  };
  await deps.index.upsertConversation({
    conversationId,
    locationId: conversation.locationId,
    unreadCount: result.unreadCount,
    ...(updated?.starred !== undefined || flags.starred !== undefined ? { starred: result.starred } : {}),
    // HighLevel just confirmed this state, so it wins over any copy the index holds.
    updatedAt: Math.max(deps.now(), conversation.updatedAt),
  });
  return result;
}

export async function deleteConversation(deps: ConsoleDeps, caller: Caller, conversationId: string): Promise<void> {
  const conversation = await conversationForWrite(deps, caller, conversationId);
  await callHighLevel(
    deps,
    caller,
    conversation.locationId,
    (client, options) => client.conversations.deleteConversation(conversationId, options),
    'delete the conversation',
  );
  await deps.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('index_messages').where('conversation_id', '=', conversationId).execute();
    await trx.deleteFrom('index_conversations').where('conversation_id', '=', conversationId).execute();
  });
}

import type { ContactRecord, ConversationRecord } from './records.js';
import type { SandboxState } from './sandbox-state.js';

/** Opens the contact's conversation. The caller checks that none exists yet (one per contact). */
export function openConversation(
  state: SandboxState,
  contact: ContactRecord,
  at: number,
  id: string,
): ConversationRecord {
  const conversation: ConversationRecord = {
    id,
    locationId: contact.locationId,
    contactId: contact.id,
    channel: contact.phone ? 'phone' : 'email',
    unreadCount: 0,
    starred: false,
    inbox: true,
    deleted: false,
    assignedTo: null,
    feedback: null,
    dateAdded: at,
    dateUpdated: at,
    lastMessageId: null,
    lastManualMessageDate: null,
  };
  state.conversations.insert(conversation);
  return conversation;
}

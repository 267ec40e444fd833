import type { ConversationRecord } from './records.js';

/**
 * Conversations by id, by contact (HighLevel keeps one per contact: ConversationProviders.md, "One
 * conversationId is maintained per contact") and by location, so search scans one location only.
 */
export class ConversationStore {
  private readonly byId = new Map<string, ConversationRecord>();
  private readonly byContact = new Map<string, string>();
  private readonly byLocation = new Map<string, Map<string, ConversationRecord>>();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): ConversationRecord | undefined {
    return this.byId.get(id);
  }

  ofContact(contactId: string): ConversationRecord | undefined {
    const id = this.byContact.get(contactId);
    return id === undefined ? undefined : this.byId.get(id);
  }

  inLocation(locationId: string): Iterable<ConversationRecord> {
    return this.byLocation.get(locationId)?.values() ?? [];
  }

  countIn(locationId: string): number {
    return this.byLocation.get(locationId)?.size ?? 0;
  }

  insert(conversation: ConversationRecord): void {
    this.byId.set(conversation.id, conversation);
    this.byContact.set(conversation.contactId, conversation.id);
    let local = this.byLocation.get(conversation.locationId);
    if (!local) {
      local = new Map();
      this.byLocation.set(conversation.locationId, local);
    }
    local.set(conversation.id, conversation);
  }

  /** Deleted conversations disappear from every lookup, which frees the contact for a new one. */
  remove(conversation: ConversationRecord): void {
    conversation.deleted = true;
    this.byId.delete(conversation.id);
    if (this.byContact.get(conversation.contactId) === conversation.id) this.byContact.delete(conversation.contactId);
    this.byLocation.get(conversation.locationId)?.delete(conversation.id);
  }
}

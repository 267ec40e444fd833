import { ContactStore } from './contact-store.js';
import { ConversationStore } from './conversation-store.js';
import { FileStore } from './file-store.js';
import { MessageStore } from './message-store.js';
import { PreferenceStore } from './preference-store.js';

/**
 * The HighLevel sandbox's whole in-memory state, one store per resource. Every store indexes by id and
 * by location (and contact or conversation where lookups need it), sized for 10,000 conversations and
 * 100,000 messages without full scans per request.
 */
export class SandboxState {
  readonly contacts = new ContactStore();
  readonly conversations = new ConversationStore();
  readonly messages = new MessageStore();
  readonly files = new FileStore();
  readonly preferences = new PreferenceStore();

  /** Counts for one location, or for the whole sandbox when `locationId` is omitted. */
  counts(locationId?: string): { contacts: number; conversations: number; messages: number } {
    if (locationId === undefined) {
      return { contacts: this.contacts.size, conversations: this.conversations.size, messages: this.messages.size };
    }
    return {
      contacts: this.contacts.countIn(locationId),
      conversations: this.conversations.countIn(locationId),
      messages: this.messages.inLocation(locationId).length,
    };
  }
}

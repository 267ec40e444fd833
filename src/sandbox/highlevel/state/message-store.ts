import type { MessageRecord } from './records.js';

/** Orders messages oldest first by date, then by insertion (seq), so equal dates keep a stable order. */
function compare(a: MessageRecord, b: MessageRecord): number {
  return a.dateAdded - b.dateAdded || a.seq - b.seq;
}

/** First index whose message sorts after `m` (binary search; new messages usually land at the end). */
function upperBound(list: readonly MessageRecord[], m: MessageRecord): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid]!, m) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Messages by id and email message id, plus per-conversation and per-location lists kept sorted by date,
 * so a thread page or an export page is a slice rather than a sort. Scheduled messages are also kept in a
 * set so due ones are found without scanning every message.
 */
export class MessageStore {
  private readonly byId = new Map<string, MessageRecord>();
  private readonly byEmailId = new Map<string, MessageRecord>();
  private readonly byConversation = new Map<string, MessageRecord[]>();
  private readonly byLocation = new Map<string, MessageRecord[]>();
  private readonly scheduledIds = new Set<string>();
  private seq = 0;

  get size(): number {
    return this.byId.size;
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  get(id: string): MessageRecord | undefined {
    return this.byId.get(id);
  }

  getByEmailId(emailMessageId: string): MessageRecord | undefined {
    return this.byEmailId.get(emailMessageId);
  }

  /** The conversation's messages, oldest first. */
  thread(conversationId: string): readonly MessageRecord[] {
    return this.byConversation.get(conversationId) ?? [];
  }

  /** The location's messages, oldest first. */
  inLocation(locationId: string): readonly MessageRecord[] {
    return this.byLocation.get(locationId) ?? [];
  }

  /** Position of a stored message in its conversation's thread, or -1. */
  indexInThread(message: MessageRecord): number {
    const list = this.thread(message.conversationId);
    const i = upperBound(list, message) - 1;
    return i >= 0 && list[i] === message ? i : -1;
  }

  scheduled(): Iterable<MessageRecord> {
    const out: MessageRecord[] = [];
    for (const id of this.scheduledIds) {
      const m = this.byId.get(id);
      if (m) out.push(m);
    }
    return out;
  }

  insert(message: MessageRecord): void {
    this.byId.set(message.id, message);
    if (message.email) this.byEmailId.set(message.email.emailMessageId, message);
    if (message.status === 'scheduled') this.scheduledIds.add(message.id);
    insertSorted(this.byConversation, message.conversationId, message);
    insertSorted(this.byLocation, message.locationId, message);
  }

  /** Called when a scheduled message is sent or cancelled. */
  unschedule(message: MessageRecord): void {
    this.scheduledIds.delete(message.id);
  }

  /** Drops a deleted conversation's messages from every index. O(messages in the location); deletes are rare. */
  removeConversation(conversationId: string, locationId: string): void {
    const thread = this.byConversation.get(conversationId) ?? [];
    for (const m of thread) {
      this.byId.delete(m.id);
      this.scheduledIds.delete(m.id);
      if (m.email) this.byEmailId.delete(m.email.emailMessageId);
    }
    this.byConversation.delete(conversationId);
    const local = this.byLocation.get(locationId);
    if (local && thread.length > 0) {
      this.byLocation.set(
        locationId,
        local.filter((m) => m.conversationId !== conversationId),
      );
    }
  }
}

function insertSorted(index: Map<string, MessageRecord[]>, key: string, message: MessageRecord): void {
  let list = index.get(key);
  if (!list) {
    list = [];
    index.set(key, list);
  }
  list.splice(upperBound(list, message), 0, message);
}

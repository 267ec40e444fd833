/**
 * What changed in watched conversations, for the console's event streams (event-stream.ts): new
 * messages, message status changes, and conversation changes (unread, starred, last message), read from
 * the local index. Every writer of the index (the webhook job, the rescan, the console, workflow
 * actions) may run in another process, so the index is polled: one query per round gives each watched
 * conversation's signature (message count and update times, the conversation row), and only a
 * conversation whose signature moved has its messages read and compared with what was seen. A change
 * announced in this process (src/search/index-changes.ts) starts a round at once.
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../../lib/create-logger.js';
import { onIndexChange } from '../../search/index-changes.js';
import type { Database } from '../../store/schema.js';
import { messageViewOf } from './read-rows.js';
import type { MessageView } from './views.js';

export type LiveEvent =
  | { type: 'message'; conversationId: string; message: MessageView }
  | { type: 'status'; conversationId: string; messageId: string; status: string | null }
  | {
      type: 'conversation';
      conversationId: string;
      unreadCount: number;
      starred: boolean;
      lastMessageAt: number;
      lastMessageBody: string | null;
    }
  | { type: 'deleted'; conversationId: string };

export type LiveListener = (event: LiveEvent) => void;

export interface LiveHubOptions {
  db: Kysely<Database>;
  logger: Logger;
  /** Between polling rounds. Default 1000 ms. */
  pollMs?: number;
}

export interface LiveHub {
  /** Starts watching; the state at this moment is the baseline. Resolves to the unsubscribe. */
  watch(conversationIds: readonly string[], listener: LiveListener): Promise<() => void>;
  /** Runs one round now (tests, and in-process announcements). */
  check(): Promise<void>;
  /** Stops polling and forgets every listener; the streams end themselves through `onClose`. */
  close(): void;
  onClose(callback: () => void): () => void;
  readonly closed: boolean;
}

export const DEFAULT_POLL_MS = 1000;
/** Conversation ids per query: well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 500;

interface ConversationState {
  signature: string;
  conversation: string;
  /** message id → status, for every message of the conversation seen so far. */
  messages: Map<string, string | null>;
  listeners: Set<LiveListener>;
}

interface Signature {
  messages: string;
  conversation: string;
  row: {
    unread_count: number | string;
    starred: number | string;
    last_message_at: number | string;
    last_message_body: string | null;
  } | null;
}

export function createLiveHub(options: LiveHubOptions): LiveHub {
  const { db, logger } = options;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  if (!(pollMs > 0)) throw new TypeError(`createLiveHub: pollMs must be > 0, got ${pollMs}`);
  const watched = new Map<string, ConversationState>();
  const closers = new Set<() => void>();
  let closed = false;
  let running: Promise<void> | null = null;
  let again = false;

  async function signatures(ids: readonly string[]): Promise<Map<string, Signature>> {
    const out = new Map<string, Signature>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const messages = await db
        .selectFrom('index_messages')
        .select((eb) => [
          'conversation_id',
          eb.fn.countAll<number | string>().as('n'),
          eb.fn.max('updated_at').as('latest'),
          eb.fn.sum<number | string>('updated_at').as('total'),
        ])
        .where('conversation_id', 'in', chunk)
        .groupBy('conversation_id')
        .execute();
      const rows = await db
        .selectFrom('index_conversations')
        .select(['conversation_id', 'unread_count', 'starred', 'last_message_at', 'last_message_body', 'updated_at'])
        .where('conversation_id', 'in', chunk)
        .execute();
      for (const id of chunk) out.set(id, { messages: '0', conversation: 'none', row: null });
      for (const m of messages) {
        const entry = out.get(m.conversation_id);
        if (entry) entry.messages = `${m.n}:${m.latest}:${m.total}`;
      }
      for (const row of rows) {
        const entry = out.get(row.conversation_id);
        if (!entry) continue;
        entry.row = row;
        entry.conversation = `${row.unread_count}:${row.starred}:${row.last_message_at}:${row.updated_at}`;
      }
    }
    return out;
  }

  async function messagesOf(conversationId: string) {
    return db
      .selectFrom('index_messages')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .orderBy('created_at')
      .orderBy('message_id')
      .execute();
  }

  function emit(state: ConversationState, event: LiveEvent): void {
    for (const listener of state.listeners) {
      try {
        listener(event);
      } catch (error) {
        logger.warn({ err: error }, 'a live event listener failed');
      }
    }
  }

  async function round(): Promise<void> {
    const ids = [...watched.keys()];
    if (ids.length === 0) return;
    const found = await signatures(ids);
    for (const [id, signature] of found) {
      const state = watched.get(id);
      if (!state) continue;
      if (signature.messages !== state.signature) {
        state.signature = signature.messages;
        for (const row of await messagesOf(id)) {
          const seen = state.messages.has(row.message_id);
          const before = state.messages.get(row.message_id);
          state.messages.set(row.message_id, row.status);
          if (!seen) emit(state, { type: 'message', conversationId: id, message: messageViewOf(row) });
          else if (before !== row.status) {
            emit(state, { type: 'status', conversationId: id, messageId: row.message_id, status: row.status });
          }
        }
      }
      if (signature.conversation !== state.conversation) {
        state.conversation = signature.conversation;
        const row = signature.row;
        emit(
          state,
          row === null
            ? { type: 'deleted', conversationId: id }
            : {
                type: 'conversation',
                conversationId: id,
                unreadCount: Number(row.unread_count),
                starred: Number(row.starred) === 1,
                lastMessageAt: Number(row.last_message_at),
                lastMessageBody: row.last_message_body,
              },
        );
      }
    }
  }

  /** One round at a time; a request during a round runs one more right after it. */
  function check(): Promise<void> {
    if (closed) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await round();
        } while (again && !closed);
      } catch (error) {
        logger.warn({ err: error }, 'could not read the index for live events; trying again at the next poll');
      } finally {
        running = null;
      }
    })();
    return running;
  }

  const timer = setInterval(() => void check(), pollMs);
  timer.unref();
  const unsubscribe = onIndexChange((conversationId) => {
    if (watched.has(conversationId)) void check();
  });

  return {
    get closed() {
      return closed;
    },
    async watch(conversationIds, listener) {
      if (closed) throw new Error('the live event hub is closed');
      const fresh = [...new Set(conversationIds)].filter((id) => !watched.has(id));
      if (fresh.length > 0) {
        // The baseline: what the caller has already seen (the page it loaded) is not announced again.
        const found = await signatures(fresh);
        for (const id of fresh) {
          if (watched.has(id)) continue;
          const messages = new Map((await messagesOf(id)).map((row) => [row.message_id, row.status] as const));
          const signature = found.get(id);
          watched.set(id, {
            signature: signature?.messages ?? '0',
            conversation: signature?.conversation ?? 'none',
            messages,
            listeners: new Set(),
          });
        }
      }
      const states = conversationIds.map((id) => watched.get(id)).filter((s): s is ConversationState => !!s);
      for (const state of states) state.listeners.add(listener);
      return () => {
        for (const [id, state] of watched) {
          state.listeners.delete(listener);
          if (state.listeners.size === 0) watched.delete(id);
        }
      };
    },
    check,
    close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      unsubscribe();
      watched.clear();
      for (const callback of [...closers]) callback();
      closers.clear();
    },
    onClose(callback) {
      closers.add(callback);
      return () => closers.delete(callback);
    },
  };
}

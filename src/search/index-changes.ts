/**
 * An in-process notice that the index changed for a conversation, so live readers (the console's event
 * streams, src/console/conversations/live-events.ts) look at once instead of at their next poll. It is a
 * hint only: a reader always reads the index itself, and polls it for what other processes wrote.
 */
import { EventEmitter } from 'node:events';

const changes = new EventEmitter();
// Every open event stream of the process listens; there is no fixed bound on how many.
changes.setMaxListeners(0);

export function announceIndexChange(conversationId: string): void {
  changes.emit('change', conversationId);
}

/** Calls `listener` with the conversation id after each announced change; returns the unsubscribe. */
export function onIndexChange(listener: (conversationId: string) => void): () => void {
  changes.on('change', listener);
  return () => {
    changes.off('change', listener);
  };
}

/**
 * A small real Queue for the intake tests, standing in for Q's createQueue until it lands: `enqueue`
 * inserts into `jobs` on the executor it is given (the intake's transaction), honouring the dedupe key.
 * The intake uses nothing else, so the other methods refuse. `failAfterInsert` makes enqueue write its
 * row and then throw, to prove the inbox row and the job roll back together.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Queue } from '../../src/queue/types.js';
import type { Database } from '../../src/store/schema.js';

export interface InboxTestQueue extends Queue {
  failAfterInsert: boolean;
}

export function createInboxTestQueue(db: Kysely<Database>): InboxTestQueue {
  const unused = async (): Promise<never> => {
    throw new Error('not used by the intake');
  };
  const queue: InboxTestQueue = {
    failAfterInsert: false,
    async enqueue(input, executor: Kysely<Database> | Transaction<Database> = db) {
      if (input.dedupeKey !== undefined) {
        const found = await executor
          .selectFrom('jobs')
          .select('id')
          .where('dedupe_key', '=', input.dedupeKey)
          .executeTakeFirst();
        if (found) return { id: found.id, created: false };
      }
      const id = randomUUID();
      const at = Date.now();
      await executor
        .insertInto('jobs')
        .values({
          id,
          kind: input.kind,
          payload: JSON.stringify(input.payload),
          priority: input.priority ?? 20,
          run_at: input.runAt ?? at,
          status: 'pending',
          attempts: 0,
          max_attempts: input.maxAttempts ?? 10,
          locked_by: null,
          locked_until: null,
          last_error: null,
          dedupe_key: input.dedupeKey ?? null,
          created_at: at,
          updated_at: at,
          finished_at: null,
        })
        .execute();
      if (queue.failAfterInsert) throw new Error('enqueue failed after writing its row (test)');
      return { id, created: true };
    },
    // One by one through `enqueue`, so `failAfterInsert` fails a group commit the same way.
    async enqueueMany(inputs, executor: Kysely<Database> | Transaction<Database> = db) {
      const results: { id: string; created: boolean }[] = [];
      for (const input of inputs) results.push(await queue.enqueue(input, executor));
      return results;
    },
    claim: unused,
    heartbeat: unused,
    complete: unused,
    fail: unused,
    listDead: unused,
    replay: unused,
    counts: unused,
  };
  return queue;
}

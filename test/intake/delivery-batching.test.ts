/**
 * Group commit in POST /hooks/accelevents/:secret (src/intake/delivery-batcher.ts), on both databases,
 * over real sockets: concurrent deliveries share one transaction, duplicates inside a batch collapse,
 * a failing delivery does not take its batch-mates down, and no 2xx is sent before its row committed.
 */
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACCELEVENTS_EVENT_JOB, registerAcceleventsWebhookRoute } from '../../src/intake/accelevents-webhook-route.js';
import { createDeliveryBatcher } from '../../src/intake/delivery-batcher.js';
import { createAcceleventsWebhookSecret } from '../../src/intake/webhook-secret.js';
import { createLogger } from '../../src/lib/create-logger.js';
import type { EnqueueInput, Queue } from '../../src/queue/types.js';
import { openDatabase, type Store } from '../../src/store/open-database.js';
import type { Database } from '../../src/store/schema.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { createInboxTestQueue } from './inbox-test-queue.js';
import { clearPipeline, inboxRows, jobRows, silent } from './intake-app.js';

type Executor = Kysely<Database> | Transaction<Database>;
/** Runs before the real enqueue, on the intake's transaction, with the inbox row's body. */
type BeforeEnqueue = (body: string) => Promise<void> | void;

interface BatchLog {
  msg: string;
  size?: number;
  written?: number;
}

function registration(n: number, marker = ''): string {
  return JSON.stringify({
    topic: 'attendee.registered',
    eventUrl: 'batch-summit',
    barcode: `BATCH-${n}`,
    email: `guest.${n}@example.com`,
    firstName: `Guest${marker}`,
  });
}

/** The test queue, with a hook that sees the inbox row the job is for (to fail or hold chosen rows). */
function hookedQueue(db: Kysely<Database>, before: { hook: BeforeEnqueue | null }): Queue {
  const inner = createInboxTestQueue(db);
  const hooked: Queue = {
    ...inner,
    async enqueue(input: EnqueueInput, executor: Executor = db) {
      const { inboxId } = input.payload as { inboxId: string };
      const row = await executor.selectFrom('inbox').select('body').where('id', '=', inboxId).executeTakeFirstOrThrow();
      await before.hook?.(row.body);
      return inner.enqueue(input, executor);
    },
    async enqueueMany(inputs: readonly EnqueueInput[], executor: Executor = db) {
      const results: { id: string; created: boolean }[] = [];
      for (const input of inputs) results.push(await hooked.enqueue(input, executor));
      return results;
    },
  };
  return hooked;
}

describe.each(DATABASE_KINDS)('group commit of Accelevents deliveries (%s)', (kind) => {
  let database: TestDatabase;
  let reader: Store;
  let store: Store;
  let app: FastifyInstance;
  let url: string;
  const logs: BatchLog[] = [];
  const before: { hook: BeforeEnqueue | null } = { hook: null };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    store = database.store;
    // A second connection: it sees only what was committed.
    reader = await openDatabase({ ...database.location, logger: silent, migrate: false });
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line) as BatchLog);
        done();
      },
    });
    const logger = createLogger({ level: 'debug', destination: sink });
    const secret = await createAcceleventsWebhookSecret(store.db);
    app = Fastify({ logger: false });
    await registerAcceleventsWebhookRoute(app, { db: store.db, queue: hookedQueue(store.db, before), logger });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/hooks/accelevents/${secret}`;
  });
  afterAll(async () => {
    await app?.close();
    await reader?.close();
    await database?.dispose();
  });
  afterEach(async () => {
    before.hook = null;
    logs.length = 0;
    await clearPipeline(store);
  });

  const post = async (body: string) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: response.status, json: (await response.json()) as { id?: string; duplicate?: boolean } };
  };
  const batchSizes = () => logs.filter((l) => l.msg === 'Intake batch committed').map((l) => l.size ?? 0);

  /** 200 concurrent deliveries: 180 registrations, 20 of them sent twice. */
  async function sendWithDuplicates() {
    const bodies = Array.from({ length: 180 }, (_, n) => registration(n));
    // Each duplicate right after its original, so most pairs land in the same batch.
    const sent = bodies.flatMap((body, n) => (n % 9 === 0 ? [body, body] : [body]));
    expect(sent).toHaveLength(200);
    return Promise.all(sent.map(post));
  }

  it('stores 200 concurrent deliveries holding 20 duplicates as 180 deliveries with one job each', async () => {
    const answers = await sendWithDuplicates();
    expect(answers.filter((a) => a.status === 202)).toHaveLength(180);
    const duplicates = answers.filter((a) => a.status === 200);
    expect(duplicates).toHaveLength(20);
    expect(duplicates.every((a) => a.json.duplicate === true)).toBe(true);
    const rows = await inboxRows(store);
    const jobs = await jobRows(store, ACCELEVENTS_EVENT_JOB);
    expect(rows).toHaveLength(180);
    expect(jobs).toHaveLength(180);
    expect(new Set(jobs.map((j) => j.payload.inboxId))).toEqual(new Set(rows.map((r) => r.id)));
    // Every duplicate names the row its original created.
    const ids = new Set(rows.map((r) => r.id));
    expect(duplicates.every((a) => a.json.id !== undefined && ids.has(a.json.id))).toBe(true);
  });

  it('writes concurrent deliveries in shared transactions', async () => {
    await sendWithDuplicates();
    expect(Math.max(...batchSizes())).toBeGreaterThan(1);
    // Some pair met inside one batch and was written once there (not only stopped by the unique key).
    expect(logs.some((l) => l.msg === 'Intake batch committed' && (l.written ?? 0) < (l.size ?? 0))).toBe(true);
  });

  /** 20 concurrent deliveries, the eighth of which the enqueue refuses. */
  async function sendWithOnePoisoned() {
    before.hook = (body) => {
      if (body.includes('POISON')) throw new Error('enqueue refused this row (test)');
    };
    const sent = Array.from({ length: 20 }, (_, n) => registration(n, n === 7 ? 'POISON' : ''));
    return Promise.all(sent.map(post));
  }

  it('answers 503 to only the delivery that failed in its batch', async () => {
    const answers = await sendWithOnePoisoned();
    expect(answers.map((a) => a.status).filter((s) => s === 503)).toEqual([503]);
    expect(answers.filter((a) => a.status === 202)).toHaveLength(19);
  });

  it('stores the rest of a batch when one delivery in it fails', async () => {
    await sendWithOnePoisoned();
    const rows = await inboxRows(store);
    expect(rows).toHaveLength(19);
    expect(rows.some((r) => r.body.includes('POISON'))).toBe(false);
    expect(await jobRows(store, ACCELEVENTS_EVENT_JOB)).toHaveLength(19);
    const failed = logs.find((l) => l.msg === 'Intake batch failed; storing its deliveries one by one');
    expect(failed?.size).toBeGreaterThan(1);
  });

  it('sends no 2xx before its batch committed, as another connection sees it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let held!: () => void;
    const holding = new Promise<void>((resolve) => {
      held = resolve;
    });
    // One delivery holds the batch's transaction open until the test lets go.
    before.hook = async (body) => {
      if (!body.includes('HOLD')) return;
      held();
      await gate;
    };
    const seen: { status: number; row: boolean; job: boolean }[] = [];
    const check = async (body: string) => {
      const answer = await post(body);
      const id = answer.json.id ?? '';
      const row = await reader.db.selectFrom('inbox').select('id').where('id', '=', id).executeTakeFirst();
      const job = await reader.db
        .selectFrom('jobs')
        .select('id')
        .where('dedupe_key', '=', `inbox:${id}`)
        .executeTakeFirst();
      seen.push({ status: answer.status, row: row !== undefined, job: job !== undefined });
    };
    const all = Promise.all(Array.from({ length: 10 }, (_, n) => check(registration(n, n === 9 ? 'HOLD' : ''))));
    await holding;
    // While the transaction is held open, the other connection sees none of it.
    expect(await reader.db.selectFrom('inbox').select('id').execute()).toHaveLength(0);
    // Long enough for an early answer to reach the client and be checked; the assertions are on rows, not time.
    setTimeout(release, 50);
    await all;
    expect(seen).toHaveLength(10);
    expect(seen.every((s) => s.status === 202 && s.row && s.job)).toBe(true);
  });
});

describe('createDeliveryBatcher', () => {
  it('refuses a missing collaborator or a batch size that is not a positive integer, naming it', () => {
    const db = {} as Kysely<Database>;
    const queue = {} as Queue;
    expect(() => createDeliveryBatcher({ db, queue, logger: undefined as never })).toThrow(/logger is required/);
    expect(() => createDeliveryBatcher({ db, queue, logger: silent, maxBatch: 0 })).toThrow(
      /maxBatch must be a positive integer; got 0/,
    );
  });
});

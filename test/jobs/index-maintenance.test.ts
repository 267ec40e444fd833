import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHighLevelClient, type HighLevelClient } from '../../src/highlevel/client.js';
import {
  createIndexMaintenance,
  INDEX_RETENTION_JOB,
  INDEX_SYNC_JOB,
  type IndexMaintenance,
  lastSyncStart,
} from '../../src/jobs/index-maintenance.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { createQueue } from '../../src/queue/create-queue.js';
import type { Queue } from '../../src/queue/types.js';
import { writeMessage } from '../../src/sandbox/highlevel/state/write-message.js';
import { createLocalIndex, type LocalIndex } from '../../src/search/local-index.js';
import type { Store } from '../../src/store/open-database.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';

const ATTENDEES = 30;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const silent = createLogger({ level: 'silent' });

describeEachDatabase('index maintenance jobs', (getStore) => {
  let handle: SandboxHandle;
  let client: HighLevelClient;
  let locationId: string;
  /** Requests by kind, counted by the client's fetch. */
  const calls = { search: 0, messages: 0 };
  // The pipeline's clock, ten minutes ahead so the sandbox's seeded call (an hour before its own now)
  // is outside the first run's overlap window.
  let clock = Date.now() + 10 * MINUTE;
  const now = () => clock;
  let store: Store;
  let queue: Queue;
  let index: LocalIndex;

  function maintenance(
    settings: { retention?: { bodiesDays: number | null; transcriptsDays: number | null }; syncMinutes?: number } = {},
  ) {
    return createIndexMaintenance({
      queue,
      db: store.db,
      index,
      client,
      locations: async () => [locationId],
      syncMinutes: settings.syncMinutes ?? 15,
      retention: settings.retention ?? { bodiesDays: 30, transcriptsDays: 7 },
      logger: silent,
      now,
    });
  }

  /** Claims every due job and runs it through the handlers, as a worker would. */
  async function runDue(m: IndexMaintenance): Promise<string[]> {
    const jobs = await queue.claim('test-worker', { limit: 10, leaseMs: 60_000 });
    for (const job of jobs) {
      const handler = m.handlers[job.kind as keyof IndexMaintenance['handlers']];
      await handler(job, { signal: new AbortController().signal, workerId: 'test-worker' });
      await queue.complete(job.id, 'test-worker');
    }
    return jobs.map((j) => j.kind).sort();
  }

  async function pendingKeys(): Promise<string[]> {
    const rows = await store.db
      .selectFrom('jobs')
      .select('dedupe_key')
      .where('status', '=', 'pending')
      .orderBy('dedupe_key')
      .execute();
    return rows.map((r) => r.dedupe_key ?? '');
  }

  beforeAll(async () => {
    handle = await withSandbox({ attendees: 1 });
    locationId = handle.sandbox.addLocation({ attendees: ATTENDEES }).location.id;
    const token = handle.sandbox.issueToken({ locationId }).accessToken;
    const counting: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.includes('/conversations/search')) calls.search += 1;
      if (/\/conversations\/[^/]+\/messages/.test(url)) calls.messages += 1;
      return fetch(input, init);
    };
    client = createHighLevelClient({
      baseUrl: handle.url,
      auth: { getAccessToken: async () => token },
      maxRetries: 0,
      fetch: counting,
    });
    store = getStore();
    queue = createQueue({ store, now });
    index = createLocalIndex({ db: store.db, dialect: store.dialect, now });
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('schedules each maintenance chain once, however many processes schedule', async () => {
    const first = await maintenance().schedule();
    expect(first).toEqual({ locations: [locationId], retention: true });
    await maintenance().schedule(); // a second process starting
    await maintenance().schedule(); // a restart
    const keys = await pendingKeys();
    expect(keys).toHaveLength(2);
    expect(keys.filter((k) => k.startsWith(`${INDEX_SYNC_JOB}:${locationId}:`))).toHaveLength(1);
    expect(keys.filter((k) => k.startsWith(`${INDEX_RETENTION_JOB}:`))).toHaveLength(1);
  });

  it('first sync is a full one, mirroring every sandbox conversation', async () => {
    const m = maintenance();
    expect(await runDue(m)).toEqual([INDEX_RETENTION_JOB, INDEX_SYNC_JOB]);
    const count = await store.db
      .selectFrom('index_conversations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('location_id', '=', locationId)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(ATTENDEES);
    expect(calls.messages).toBe(ATTENDEES);
    expect(await lastSyncStart(store.db, locationId)).toBe(clock);
  });

  it('leaves one next slot per chain queued after the first run, even when scheduled again', async () => {
    // Each job queued its own next slot before working; running the chain again adds none.
    expect(await pendingKeys()).toHaveLength(2);
    await maintenance().schedule();
    expect(await pendingKeys()).toHaveLength(2);
  });

  it('a later sync rescans only the overlap window since the last start', async () => {
    // Two conversations get a new message now; nothing else changed since the first sync.
    const state = handle.sandbox.domain!.state;
    const changed = [...state.conversations.inLocation(locationId)].slice(3, 5);
    for (const [n, conversation] of changed.entries()) {
      writeMessage(
        state,
        conversation,
        {
          id: `maintenance-msg-${n}`,
          messageType: 'TYPE_SMS',
          direction: 'inbound',
          status: 'delivered',
          dateAdded: Date.now(),
          source: 'app',
          body: 'Where do I collect my speaker badge?',
          email: null,
          fromNumber: null,
          toNumber: null,
        },
        Date.now(),
      );
    }
    calls.search = 0;
    calls.messages = 0;
    clock += 15 * MINUTE;
    // The clock follows the real one (the sandbox seeds relative to it): when these 15 minutes cross
    // midnight UTC, the next day's retention job is due as well.
    expect((await runDue(maintenance())).filter((kind) => kind !== INDEX_RETENTION_JOB)).toEqual([INDEX_SYNC_JOB]);
    expect(calls.messages).toBe(2); // only the two conversations inside the window
    expect(calls.search).toBe(2); // one starred pass, one page of the rescan
    const found = await index.search({ locationId, topic: 'speaker badge', limit: 10 });
    expect(found.items.map((i) => i.conversationId).sort()).toEqual(changed.map((c) => c.id).sort());
  });

  it('the daily retention job clears the text older than its configured days', async () => {
    const transcripts = async () =>
      Number(
        (
          await store.db
            .selectFrom('index_messages')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('location_id', '=', locationId)
            .where('transcript', 'is not', null)
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await transcripts()).toBe(1);
    clock += DAY; // the next retention slot is due; the seeded call is now more than half a day old
    const m = maintenance({ retention: { bodiesDays: null, transcriptsDays: 0.5 } });
    expect(await runDue(m)).toContain(INDEX_RETENTION_JOB);
    expect(await transcripts()).toBe(0);
    const bodies = await store.db
      .selectFrom('index_messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('location_id', '=', locationId)
      .where('body', 'is not', null)
      .executeTakeFirstOrThrow();
    expect(Number(bodies.n)).toBeGreaterThan(0); // bodiesDays null keeps bodies
  });

  it('with both retention limits null the daily job clears nothing', async () => {
    const before = await store.db
      .selectFrom('index_messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('body', 'is not', null)
      .executeTakeFirstOrThrow();
    clock += 2 * DAY;
    const m = maintenance({ retention: { bodiesDays: null, transcriptsDays: null } });
    expect((await m.schedule()).retention).toBe(false);
    expect(await runDue(m)).toContain(INDEX_RETENTION_JOB);
    const after = await store.db
      .selectFrom('index_messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('body', 'is not', null)
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    // The topic search still answers after the daily compaction.
    expect((await index.search({ locationId, topic: 'speaker badge', limit: 10 })).items).toHaveLength(2);
  });

  it('with syncMinutes 0 schedules no index sync, and a queued sync slot queues no next one', async () => {
    clock += 2 * DAY; // a slot no earlier test has queued
    const off = maintenance({ syncMinutes: 0 });
    expect((await off.schedule()).locations).toEqual([]);
    const syncKeys = async () => (await pendingKeys()).filter((k) => k.startsWith(`${INDEX_SYNC_JOB}:`));
    expect(await syncKeys()).toHaveLength(1); // the slot the earlier runs queued, now due
    expect(await runDue(off)).toContain(INDEX_SYNC_JOB);
    expect(await syncKeys()).toEqual([]);
  });
});

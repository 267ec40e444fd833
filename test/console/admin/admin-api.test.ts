/**
 * The admin API on both databases, through app.inject on a real console: rows are
 * seeded with SQL where the runner or the HighLevel client would write them, dead jobs are made through
 * the real queue, and every answer is read back as the API returns it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disabledWorkflows } from '../../../src/workflows/workflow-switches.js';
import { type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';

const MINUTE = 60_000;

describe.each(DATABASE_KINDS)('admin API [%s]', (kind) => {
  let harness: ConsoleApp;
  const get = (url: string) => harness.app.inject({ method: 'GET', url, headers: harness.auth('admin') });

  beforeAll(async () => {
    harness = await startConsoleApp(kind, {
      attendees: 2,
      config: { features: ['registration-welcome', 'checkin-welcome'] },
    });
  });
  afterAll(async () => harness?.close());

  async function seedCalls(
    rows: { at: number; location?: string | null; actor?: string; operation?: string; status?: number | null }[],
  ): Promise<string[]> {
    const ids = rows.map(() => randomUUID());
    await harness.deps.db
      .insertInto('highlevel_calls')
      .values(
        rows.map((row, i) => ({
          id: ids[i] as string,
          at: row.at,
          actor: row.actor ?? 'cli',
          location_id: row.location === undefined ? 'loc-rate' : row.location,
          operation_id: row.operation ?? 'get-conversation',
          scope: 'conversations.readonly',
          status: row.status === undefined ? 200 : row.status,
          error_code: row.status === 429 ? 'rate_limited' : null,
          attempt: 1,
          duration_ms: 12,
        })),
      )
      .execute();
    return ids;
  }

  /** Saves (again, when called twice) a PIT connection granted one scope, then lists connections. */
  async function listWithOneScopePit() {
    await harness.deps.repository.save({
      provider: 'highlevel',
      kind: 'pit',
      accountKey: 'location:loc-pit',
      label: 'Main office',
      userType: 'Location',
      locationId: 'loc-pit',
      scopes: ['conversations.readonly'],
      secrets: { accessToken: 'pit-secret-token-value' },
    });
    return get('/api/admin/connections');
  }

  it('lists each connection’s scopes against what the features need, with the reconnect command', async () => {
    const response = await listWithOneScopePit();
    expect(response.statusCode).toBe(200);
    const pit = response.json().connections.find((c: { account: string }) => c.account === 'location:loc-pit');
    expect(pit).toMatchObject({
      provider: 'highlevel',
      kind: 'pit',
      label: 'Main office',
      locationId: 'loc-pit',
      status: 'ok',
      scopes: ['conversations.readonly'],
      reconnect: { command: 'parley connect highlevel --pit --location loc-pit --token-file <path>' },
    });
    expect(pit.neededScopes.length).toBeGreaterThan(1);
    const missing = pit.missingScopes.map((m: { scope: string }) => m.scope);
    expect(missing).toContain('conversations/message.write');
    expect(missing).not.toContain('conversations.readonly');
  });

  it('never shows a connection’s token', async () => {
    const response = await listWithOneScopePit();
    expect(response.body).not.toContain('pit-secret-token-value');
  });

  const switchCheckinWelcome = (enabled: boolean) =>
    harness.app.inject({
      method: 'PUT',
      url: '/api/admin/workflows/checkin-welcome',
      headers: harness.auth('admin'),
      payload: { enabled },
    });

  /** Runs `body` with checkin-welcome switched off, switching it back on after, so later tests see it on. */
  async function withCheckinWelcomeOff(body: (off: Awaited<ReturnType<typeof switchCheckinWelcome>>) => Promise<void>) {
    const off = await switchCheckinWelcome(false);
    try {
      await body(off);
    } finally {
      await switchCheckinWelcome(true);
    }
  }

  it('persists a workflow switched off for the runner', async () => {
    await withCheckinWelcomeOff(async (off) => {
      expect(off.statusCode).toBe(200);
      expect(await disabledWorkflows(harness.deps.db)).toEqual(new Set(['checkin-welcome']));
    });
  });

  it('reports a workflow switched off in the workflow list', async () => {
    await withCheckinWelcomeOff(async () => {
      const listed = (await get('/api/admin/workflows')).json().workflows;
      expect(listed.map((w: { name: string; enabled: boolean }) => [w.name, w.enabled])).toEqual([
        ['checkin-preference-reply', true],
        ['checkin-welcome', false],
        ['registration-welcome', true],
      ]);
    });
  });

  it('records a switch in the audit log of console changes', async () => {
    await withCheckinWelcomeOff(async () => {
      const { changes } = (await get('/api/admin/changes?target=checkin-welcome')).json();
      expect(changes[0]).toMatchObject({ action: 'workflow.switched_off', actor: 'admin@parley.test' });
    });
  });

  it('switches a workflow back on', async () => {
    await switchCheckinWelcome(false);
    await switchCheckinWelcome(true);
    expect(await disabledWorkflows(harness.deps.db)).toEqual(new Set());
  });

  it('answers 404 for a workflow that is not loaded', async () => {
    const unknown = await harness.app.inject({
      method: 'PUT',
      url: '/api/admin/workflows/no-such-flow',
      headers: harness.auth('admin'),
      payload: { enabled: false },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toBe('not_found');
  });

  it('answers 400 naming enabled when it is not a boolean', async () => {
    const bad = await harness.app.inject({
      method: 'PUT',
      url: '/api/admin/workflows/checkin-welcome',
      headers: harness.auth('admin'),
      payload: { enabled: 'yes' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'invalid_request', field: 'enabled' });
  });

  describe('runs', () => {
    beforeAll(async () => {
      const base = Date.now() - 10 * MINUTE;
      await harness.deps.db
        .insertInto('workflow_runs')
        .values([
          {
            id: 'run-a',
            workflow: 'registration-welcome',
            trigger_key: 'att-1',
            status: 'completed',
            input: '{"attendeeId":"att-1"}',
            started_at: base,
            finished_at: base + 500,
          },
          {
            id: 'run-b',
            workflow: 'registration-welcome',
            trigger_key: 'att-2',
            status: 'failed',
            input: '{}',
            error: 'HighLevel said no',
            started_at: base + 1000,
            finished_at: base + 1500,
          },
          {
            id: 'run-c',
            workflow: 'checkin-welcome',
            trigger_key: 'att-3',
            status: 'running',
            input: '{}',
            started_at: base + 2000,
          },
        ])
        .execute();
      await harness.deps.db
        .insertInto('run_steps')
        .values([
          {
            run_id: 'run-b',
            step: 'find-contact',
            status: 'completed',
            output: '{"contactId":"c-1"}',
            started_at: base + 1000,
            finished_at: base + 1100,
          },
          {
            run_id: 'run-b',
            step: 'send-welcome',
            status: 'failed',
            output: null,
            started_at: base + 1100,
            finished_at: base + 1500,
          },
        ])
        .execute();
    });

    it('lists runs newest first', async () => {
      const all = (await get('/api/admin/runs')).json();
      expect(all.items.map((r: { runId: string }) => r.runId)).toEqual(['run-c', 'run-b', 'run-a']);
    });

    it('filters runs by status', async () => {
      const failed = (await get('/api/admin/runs?status=failed')).json();
      expect(failed.items).toEqual([
        expect.objectContaining({ runId: 'run-b', status: 'failed', error: 'HighLevel said no', triggerKey: 'att-2' }),
      ]);
    });

    it('lists each workflow’s recent runs', async () => {
      const workflows = (await get('/api/admin/workflows')).json().workflows;
      const registration = workflows.find((w: { name: string }) => w.name === 'registration-welcome');
      expect(registration.recentRuns.map((r: { runId: string }) => r.runId)).toEqual(['run-b', 'run-a']);
    });

    it('answers one run with its steps', async () => {
      const run = (await get('/api/admin/runs/run-b')).json();
      expect(run.steps).toEqual([
        expect.objectContaining({ step: 'find-contact', status: 'completed', output: { contactId: 'c-1' } }),
        expect.objectContaining({ step: 'send-welcome', status: 'failed', output: null }),
      ]);
    });

    it('answers 404 for an unknown run', async () => {
      expect((await get('/api/admin/runs/no-such-run')).statusCode).toBe(404);
    });

    it('refuses an unknown run status, naming the field', async () => {
      const badStatus = await get('/api/admin/runs?status=exploded');
      expect(badStatus.statusCode).toBe(400);
      expect(badStatus.json().field).toBe('status');
    });
  });

  /** Makes a job of `kind` dead through the real queue: one attempt, failed. */
  async function deadJob(kind: string): Promise<string> {
    const { queue } = harness.deps;
    const { id } = await queue.enqueue({ kind, payload: { n: 1 }, maxAttempts: 1 });
    const [claimed] = await queue.claim('worker-1', { limit: 1, leaseMs: 60_000, kinds: [kind] });
    expect(claimed?.id).toBe(id);
    expect(await queue.fail(id, 'worker-1', new Error('the handler gave up'), { retryable: true })).toBe('dead');
    return id;
  }

  const replay = (id: string) =>
    harness.app.inject({ method: 'POST', url: `/api/admin/dead-letters/${id}/replay`, headers: harness.auth('admin') });

  it('lists a dead job with its last error, counted as dead', async () => {
    const id = await deadJob('admin.test');
    const listed = (await get('/api/admin/dead-letters')).json();
    expect(listed.jobs).toEqual([
      expect.objectContaining({ id, kind: 'admin.test', lastError: 'the handler gave up' }),
    ]);
    expect(listed.counts.dead).toBe(1);
  });

  it('replay moves a dead job back to pending', async () => {
    const id = await deadJob('admin.test-replay');
    const replayed = await replay(id);
    expect(replayed.statusCode).toBe(200);
    expect(replayed.json()).toEqual({ replayed: 1 });
    const row = await harness.deps.db
      .selectFrom('jobs')
      .select(['status', 'attempts'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'pending', attempts: 0 });
  });

  it('answers 404 to a second replay of the same job', async () => {
    const id = await deadJob('admin.test-replay-twice');
    await replay(id);
    expect((await replay(id)).statusCode).toBe(404);
  });

  describe('rate budget', () => {
    let at: number;
    beforeAll(async () => {
      const now = Date.now();
      at = now - 5 * MINUTE;
      await seedCalls([
        { at },
        { at: at + 1 },
        { at: at + 2, status: 429 },
        { at: at + 3, status: 500 },
        { at: at + 4, status: null },
        { at: now - 2 * MINUTE },
        { at: now - 2 * 60 * MINUTE }, // outside the default 60-minute window
        { at, location: 'loc-other' },
      ]);
    });

    it('counts calls, 429s, errors per minute for a location over the last 60 minutes', async () => {
      const response = await get('/api/admin/rate-budget?locationId=loc-rate');
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.minutes).toBe(60);
      expect(body.locations).toHaveLength(1);
      const [location] = body.locations;
      expect(location.perMinute).toHaveLength(60);
      const slot = location.perMinute.find((m: { minute: number }) => m.minute <= at && at < m.minute + MINUTE);
      expect(slot).toEqual({ minute: slot.minute, calls: 5, rateLimited: 1, errors: 2 });
      expect(location.totals).toEqual({ calls: 6, rateLimited: 1, errors: 2, peakPerMinute: 5 });
      expect(location.dailyUsed).toBeGreaterThanOrEqual(6);
    });

    it('measures a location against the 600/min documented ceiling', async () => {
      const [location] = (await get('/api/admin/rate-budget?locationId=loc-rate')).json().locations;
      expect(location.limits).toMatchObject({
        max: 100,
        intervalMs: 10_000,
        perMinuteCeiling: 600,
        source: 'documented',
      });
    });

    it('widens the window to the minutes asked for', async () => {
      const wide = (await get('/api/admin/rate-budget?locationId=loc-rate&minutes=180')).json();
      expect(wide.locations[0].totals.calls).toBe(7);
    });

    it('refuses a window too wide, naming minutes', async () => {
      expect((await get('/api/admin/rate-budget?minutes=2000')).json()).toMatchObject({
        error: 'invalid_request',
        field: 'minutes',
      });
    });
  });

  it('takes the limits from rate_limit_state once the scheduler has seen HighLevel headers', async () => {
    const now = Date.now();
    await harness.deps.db
      .insertInto('rate_limit_state')
      .values({
        app_id: 'app-x',
        location_id: 'loc-state',
        max: 50,
        remaining: 10,
        interval_ms: 10_000,
        daily_limit: 100_000,
        daily_remaining: 99_000,
        window_started_at: now,
        updated_at: now,
      })
      .execute();
    const [location] = (await get('/api/admin/rate-budget?locationId=loc-state')).json().locations;
    expect(location.limits).toEqual({
      max: 50,
      intervalMs: 10_000,
      perMinuteCeiling: 300,
      dailyLimit: 100_000,
      dailyRemaining: 99_000,
      source: 'observed',
    });
  });

  it('pages the audit log newest first with stable keyset cursors while new calls arrive', async () => {
    const base = Date.now() - 30 * MINUTE;
    // Five calls share one millisecond so the id breaks the tie.
    const seeded = await seedCalls([
      ...Array.from({ length: 5 }, () => ({ at: base, location: 'loc-audit' })),
      ...Array.from({ length: 7 }, (_, i) => ({ at: base + 1000 * (i + 1), location: 'loc-audit' })),
    ]);
    const expected = (
      await harness.deps.db
        .selectFrom('highlevel_calls')
        .select(['id', 'at'])
        .where('location_id', '=', 'loc-audit')
        .execute()
    )
      .sort((a, b) => Number(b.at) - Number(a.at) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .map((r) => r.id);
    expect(expected).toHaveLength(seeded.length);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/admin/audit?locationId=loc-audit&limit=5${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await get(url)).json();
      seen.push(...page.items.map((item: { id: string }) => item.id));
      cursor = page.nextCursor;
      pages += 1;
      // A call arriving mid-paging lands at the head and must not shift the pages after it.
      if (pages === 1) await seedCalls([{ at: Date.now(), location: 'loc-audit' }]);
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual(expected);

    const bad = await get('/api/admin/audit?cursor=not-a-cursor');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('cursor');
  });

  describe('audit filters', () => {
    let admin: { id: string };
    beforeAll(async () => {
      admin = await harness.deps.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', harness.email('admin'))
        .executeTakeFirstOrThrow();
      const at = Date.now() - 3 * MINUTE;
      await seedCalls([
        { at, location: 'loc-filter', actor: `user:${admin.id}`, operation: 'send-a-new-message', status: 201 },
        { at: at + 1, location: 'loc-filter', actor: `user:${admin.id}`, operation: 'send-a-new-message', status: 429 },
        { at: at + 2, location: 'loc-filter', actor: 'run-77', operation: 'get-conversation', status: 200 },
      ]);
    });

    it('filters the audit log by actor email, showing user actors by email', async () => {
      const byEmail = (await get(`/api/admin/audit?locationId=loc-filter&actor=${harness.email('admin')}`)).json();
      expect(byEmail.items.map((i: { actorLabel: string; status: number }) => [i.actorLabel, i.status])).toEqual([
        ['admin@parley.test', 429],
        ['admin@parley.test', 201],
      ]);
    });

    it('filters the audit log by status', async () => {
      const failed = (await get('/api/admin/audit?locationId=loc-filter&status=failed')).json();
      expect(failed.items).toEqual([
        expect.objectContaining({
          actor: `user:${admin.id}`,
          operation: 'send-a-new-message',
          status: 429,
          errorCode: 'rate_limited',
        }),
      ]);
    });

    it('filters the audit log by operation', async () => {
      const byOperation = (await get('/api/admin/audit?locationId=loc-filter&operation=get-conversation')).json();
      expect(byOperation.items.map((i: { actorLabel: string }) => i.actorLabel)).toEqual(['run-77']);
    });

    it('refuses an unknown audit status, naming the field', async () => {
      expect((await get('/api/admin/audit?status=teapot')).json()).toMatchObject({
        error: 'invalid_request',
        field: 'status',
      });
    });
  });

  it('refuses every admin endpoint to an agent with 403', async () => {
    const response = await harness.app.inject({
      method: 'GET',
      url: '/api/admin/audit',
      headers: harness.auth('agent'),
    });
    expect(response.statusCode).toBe(403);
  });
});

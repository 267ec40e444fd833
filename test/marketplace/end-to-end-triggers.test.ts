/**
 * The marketplace end to end, on both databases: a running parley (what `parley start` runs, in
 * sandbox mode, with the `marketplace` feature on) and its HighLevel sandbox playing HighLevel's
 * workflow engine. Sandbox workflows subscribe through parley's subscription URL; registrations from
 * `parley simulate` and the Accelevents sandbox fire them; their custom action calls parley back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulate } from '../../src/cli/commands/simulate.js';
import { SAMPLE_EVENT_URL } from '../../src/sandbox/accelevents/sample-events.js';
import { until } from '../cli/in-process-parley.js';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { type LaunchedParley, launchParley } from '../helpers/launch-parley.js';

const CONFIG = 'features: [registration-welcome, checkin-welcome, agent-console, marketplace]\n';
const LOOKUP_FOUND = 'c9708835-db14-49b9-8255-31a6e55623e9';
/** Bounds for work the worker does in the background (not timing assertions). */
const BOUND_MS = 60_000;
/** A test's own bound: simulate and the worker share two cores with other suites. */
const TEST_MS = 150_000;

interface Execution {
  body: { id: string; type: string; contactId: string | null; attendee: { email: string }; ticket: { type: string } };
  actions: { key: string; status: number | null; branchId: string | null; response: any }[];
}

describe.each(DATABASE_KINDS)('marketplace end to end [%s]', (kind) => {
  let parley: LaunchedParley;
  let highlevel: { url: string; locationId: string };
  let accelevents: { url: string };
  /** No filter; looks the attendee up by the payload's email. */
  let everyone: { workflowId: string; triggerId: string };
  /** Ticket type VIP only. */
  let vipOnly: { workflowId: string; triggerId: string };
  let simulated: { email: string; contactId: string | null }[] = [];
  const vipEmails: string[] = [];

  async function json(res: Response): Promise<any> {
    return res.json();
  }
  const sandbox = (method: string, path: string, body?: unknown) =>
    fetch(`${highlevel.url}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
  const executions = async (workflowId: string): Promise<Execution[]> =>
    (await json(await sandbox('GET', `/sandbox/workflows/${workflowId}/executions`))).executions;

  async function createWorkflow(body: Record<string, unknown>) {
    const res = await sandbox('POST', '/sandbox/workflows', {
      locationId: highlevel.locationId,
      triggerKey: 'accelevents_attendee_registered',
      ...body,
    });
    const answer = await json(res);
    expect(res.status, JSON.stringify(answer)).toBe(201);
    return answer as { workflowId: string; triggerId: string };
  }

  async function registerVip(n: number): Promise<string> {
    const email = `vip${n}.${Date.now()}@example.com`;
    const res = await fetch(new URL('/sandbox/accelevents/attendees', accelevents.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        eventUrl: SAMPLE_EVENT_URL,
        firstName: 'Vera',
        lastName: `Vip${n}`,
        email,
        ticketType: 'VIP',
      }),
    });
    expect(res.status).toBe(200);
    vipEmails.push(email);
    return email;
  }

  /** Waits until the workflow has `count` executions and no firing of it is still queued. */
  async function settled(trigger: { workflowId: string; triggerId: string }, count: number): Promise<Execution[]> {
    return until(
      `${count} execution(s) of ${trigger.workflowId}`,
      async () => {
        const list = await executions(trigger.workflowId);
        const queued = await parley.store.db
          .selectFrom('marketplace_firings')
          .select('id')
          .where('trigger_id', '=', trigger.triggerId)
          .where('status', '=', 'queued')
          .execute();
        return list.length >= count && queued.length === 0 ? list : undefined;
      },
      BOUND_MS,
    );
  }

  beforeAll(async () => {
    parley = await launchParley({ kind, worker: true, config: CONFIG, prefix: 'parley-marketplace-e2e-' });
    const info = await json(await fetch(`${parley.url}/sandbox-info`));
    highlevel = info.highlevel;
    accelevents = info.accelevents;
  });
  afterAll(async () => parley?.stop());

  it('subscribes sandbox workflows through parley’s subscription URL, which stores each trigger as active', async () => {
    everyone = await createWorkflow({
      actions: [{ key: 'parley_lookup_attendee', data: { email: '{{attendee.email}}' } }],
    });
    vipOnly = await createWorkflow({ filters: [{ field: 'ticket.type', operator: '==', value: 'VIP' }] });
    const rows = await parley.store.db
      .selectFrom('marketplace_subscriptions')
      .select(['trigger_id', 'workflow_id', 'location_id', 'status', 'target_url'])
      .orderBy('created_at')
      .execute();
    expect(rows.map((r) => [r.trigger_id, r.workflow_id, r.location_id, r.status])).toEqual([
      [everyone.triggerId, everyone.workflowId, highlevel.locationId, 'active'],
      [vipOnly.triggerId, vipOnly.workflowId, highlevel.locationId, 'active'],
    ]);
    expect(rows[0]?.target_url).toBe(
      `${highlevel.url}/workflows-marketplace/triggers/execute/${highlevel.locationId}/${everyone.triggerId}`,
    );
  });

  it(
    'gives a subscribed workflow exactly one execution per registration from parley simulate',
    async () => {
      const report = await simulate({ attendees: 2, url: parley.url, env: parley.env, timeoutMs: BOUND_MS });
      expect(report.timedOut).toBe(false);
      simulated = report.attendees.map((a) => ({ email: a.email, contactId: a.contactId }));
      await registerVip(1);
      const list = await settled(everyone, 3);
      expect(list).toHaveLength(3);
      expect(new Set(list.map((e) => e.body.id)).size).toBe(3);
      expect(list.map((e) => e.body.attendee.email).sort()).toEqual(
        [...simulated.map((a) => a.email), ...vipEmails].sort(),
      );
      expect(list.every((e) => e.body.type === 'accelevents_attendee_registered')).toBe(true);
    },
    TEST_MS,
  );

  it(
    'honours a ticket-type filter: only the VIP registration reaches the filtered workflow',
    async () => {
      const list = await settled(vipOnly, 1);
      expect(list.map((e) => e.body.attendee.email)).toEqual(vipEmails);
      expect(list[0]?.body.ticket.type).toBe('VIP');
      const filtered = await parley.store.db
        .selectFrom('marketplace_firings')
        .select('status')
        .where('trigger_id', '=', vipOnly.triggerId)
        .where('status', '=', 'filtered')
        .execute();
      expect(filtered).toHaveLength(2);
    },
    TEST_MS,
  );

  it(
    'returns the attendee’s data to a workflow’s look-up action, on each execution and when run directly',
    async () => {
      await until(
        'every look-up action answered',
        async () => {
          const list = await executions(everyone.workflowId);
          return list.length === 3 && list.every((e) => e.actions.length === 1) ? list : undefined;
        },
        BOUND_MS,
      );
      for (const execution of await executions(everyone.workflowId)) {
        const [action] = execution.actions;
        expect(action).toMatchObject({ key: 'parley_lookup_attendee', status: 200, branchId: LOOKUP_FOUND });
        expect(action?.response).toMatchObject({ found: true, attendee: { email: execution.body.attendee.email } });
      }
      const known = simulated.find((a) => a.contactId !== null);
      const direct = await json(
        await sandbox('POST', `/sandbox/workflows/${vipOnly.workflowId}/run-action`, {
          contactId: known?.contactId,
          actionKey: 'parley_lookup_attendee',
          data: {},
        }),
      );
      expect(direct).toMatchObject({
        status: 200,
        branchId: LOOKUP_FOUND,
        response: { attendee: { email: known?.email } },
      });
    },
    TEST_MS,
  );

  it(
    'sends nothing to a workflow after it is deleted',
    async () => {
      const before = (await executions(everyone.workflowId)).length;
      expect((await sandbox('DELETE', `/sandbox/workflows/${everyone.workflowId}`)).status).toBe(200);
      const row = await parley.store.db
        .selectFrom('marketplace_subscriptions')
        .select('status')
        .where('trigger_id', '=', everyone.triggerId)
        .executeTakeFirst();
      expect(row?.status).toBe('deleted');
      await registerVip(2);
      // The VIP workflow's execution shows parley handled this registration.
      await settled(vipOnly, 2);
      expect(await executions(everyone.workflowId)).toHaveLength(before);
      const sentAfter = await parley.store.db
        .selectFrom('marketplace_firings')
        .select('status')
        .where('trigger_id', '=', everyone.triggerId)
        .where('status', 'in', ['queued', 'sent'])
        .execute();
      expect(sentAfter).toHaveLength(before);
    },
    TEST_MS,
  );

  it(
    'pauses a subscription whose trigger answers 404 after a deletion parley never heard of, and fires it no more',
    async () => {
      const silent = await createWorkflow({});
      expect((await sandbox('DELETE', `/sandbox/workflows/${silent.workflowId}?notify=false`)).status).toBe(200);
      // A late happening of an earlier registration (a welcome retried under load) may also fire at
      // it, even first: the assertions are about the 404, the pause, and the registration after it.
      const firingsOf = () =>
        parley.store.db
          .selectFrom('marketplace_firings')
          .select(['event_key', 'status', 'http_status'])
          .where('trigger_id', '=', silent.triggerId)
          .execute();
      const vip3 = await registerVip(3);
      const paused = await until(
        'the subscription paused after its 404',
        async () => {
          const row = await parley.store.db
            .selectFrom('marketplace_subscriptions')
            .select(['status', 'inactive_reason'])
            .where('trigger_id', '=', silent.triggerId)
            .executeTakeFirst();
          return row?.status === 'gone' ? row : undefined;
        },
        BOUND_MS,
      );
      expect(paused.inactive_reason).toContain('HTTP 404');
      const atPause = await firingsOf();
      expect(atPause.filter((f) => f.status === 'failed' && f.http_status === 404).length).toBeGreaterThan(0);
      // The late happening may have met the 404 first, and this registration then found the
      // subscription paused: at most one firing of its own, never sent.
      expect(atPause.filter((f) => f.event_key.endsWith(vip3)).length).toBeLessThanOrEqual(1);
      const vipBefore = (await executions(vipOnly.workflowId)).length;
      const vip4 = await registerVip(4);
      await settled(vipOnly, vipBefore + 1);
      // vipOnly's firing for it means the registration's planning read the active subscriptions.
      const after = await until(
        'every firing of the paused subscription settled',
        async () => {
          const rows = await firingsOf();
          return rows.every((f) => f.status !== 'queued') ? rows : undefined;
        },
        BOUND_MS,
      );
      expect(after.filter((f) => f.event_key.endsWith(vip4))).toEqual([]);
      expect(after.filter((f) => f.status === 'sent' || f.status === 'queued')).toEqual([]);
    },
    TEST_MS,
  );

  it('refuses calls without the install secret', async () => {
    const subscription = await fetch(`${parley.url}/marketplace/triggers/subscription`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        triggerData: {
          id: 'forged',
          key: 'accelevents_attendee_registered',
          filters: [],
          eventType: 'CREATED',
          targetUrl: 'http://127.0.0.1:9/forged',
        },
        meta: { key: 'accelevents_attendee_registered', version: '1.0' },
        extras: { locationId: highlevel.locationId, workflowId: 'forged', companyId: 'forged' },
      }),
    });
    expect(subscription.status).toBe(401);
    expect((await json(subscription)).error.code).toBe('marketplace_secret_invalid');
    const action = await fetch(`${parley.url}/marketplace/actions/parley_lookup_attendee`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-parley-marketplace-secret': 'not-the-secret' },
      body: JSON.stringify({
        data: {},
        extras: { locationId: highlevel.locationId, contactId: 'c', workflowId: 'w' },
        meta: { key: 'parley_lookup_attendee', version: '1.0' },
      }),
    });
    expect(action.status).toBe(401);
    // A developer portal with the wrong secret: HighLevel's subscription call is refused, no workflow is kept.
    await sandbox('POST', '/sandbox/marketplace-app', { headers: { 'x-parley-marketplace-secret': 'stale-secret' } });
    const refused = await sandbox('POST', '/sandbox/workflows', {
      locationId: highlevel.locationId,
      triggerKey: 'accelevents_attendee_registered',
    });
    expect(refused.status).toBe(502);
    expect(await json(refused)).toMatchObject({
      app: { status: 401, body: { error: { code: 'marketplace_secret_invalid' } } },
    });
    const forged = await parley.store.db
      .selectFrom('marketplace_subscriptions')
      .select('trigger_id')
      .where('trigger_id', '=', 'forged')
      .execute();
    expect(forged).toEqual([]);
  });
});

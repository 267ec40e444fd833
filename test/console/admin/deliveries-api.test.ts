/**
 * The deliveries API (GET /api/admin/deliveries, GET /api/admin/deliveries/{id},
 * POST /api/admin/deliveries/reprocess) and the workflow switch's skippedDeliveries, on both databases
 * through app.inject on a real console. Deliveries arrive through the real intake route where the
 * intake decides the status; rows with a status only the job handler writes are inserted with SQL.
 */
import type { Insertable } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../../src/console/auth/roles.js';
import type { InboxTable } from '../../../src/store/schema.js';
import { CONSOLE_PASSWORD, type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';
import { buildIntakeApp, type IntakeApp, insertInboxRow } from '../../intake/intake-app.js';

const HOUR = 3_600_000;
/** Not a topic the default mapping knows; the console's config below aliases it to a registration. */
const BADGE_TOPIC = 'badge.printed';
const registration = (email: string) =>
  JSON.stringify({ topic: 'attendee.registered', eventUrl: 'summit', barcode: `bc-${email}`, email, firstName: 'Ada' });

describe.each(DATABASE_KINDS)('deliveries API [%s]', (kind) => {
  let harness: ConsoleApp;
  let intake: IntakeApp;
  const get = (url: string, role: Role = 'admin') =>
    harness.app.inject({ method: 'GET', url, headers: harness.auth(role) });
  const reprocess = (payload: Record<string, unknown>, role: Role = 'admin') =>
    harness.app.inject({
      method: 'POST',
      url: '/api/admin/deliveries/reprocess',
      headers: harness.auth(role),
      payload,
    });

  beforeAll(async () => {
    harness = await startConsoleApp(kind, {
      attendees: 1,
      config: { accelevents: { webhook: { topic: { aliases: { [BADGE_TOPIC]: 'registration' } } } } },
    });
    // The intake runs with the default mapping, so a badge delivery is stored as not recognised.
    intake = await buildIntakeApp(harness.database.store);
  });
  afterAll(async () => {
    await intake?.app.close();
    await harness?.close();
  });
  beforeEach(async () => {
    await harness.deps.db.deleteFrom('jobs').execute();
    await harness.deps.db.deleteFrom('inbox').execute();
  });

  async function deliver(body: string, headers: Record<string, string> = {}): Promise<string> {
    const response = await intake.app.inject({
      method: 'POST',
      url: intake.path,
      headers: { 'content-type': 'application/json', ...headers },
      payload: body,
    });
    expect(response.statusCode).toBe(202);
    return response.json().id;
  }

  async function insertDelivery(row: Partial<Insertable<InboxTable>> & { received_at: number }): Promise<string> {
    return insertInboxRow(harness.deps.db, row, (id) => registration(`${id}@example.com`));
  }

  /** Stores a failed, a skipped and a processed delivery, an hour apart. */
  async function insertThreeOutcomes() {
    const now = Date.now();
    const failed = await insertDelivery({ received_at: now - 3 * HOUR, status: 'failed', error: 'HighLevel said 422' });
    const skipped = await insertDelivery({
      received_at: now - 2 * HOUR,
      status: 'skipped',
      reason_code: 'workflow_off',
      reason: 'workflow registration-welcome was switched off when this arrived',
    });
    const processed = await insertDelivery({ received_at: now - HOUR, processed_at: now - HOUR + 500 });
    return { now, failed, skipped, processed };
  }

  it('lists deliveries newest first with their outcome', async () => {
    const { now, failed, skipped, processed } = await insertThreeOutcomes();
    const all = await get('/api/admin/deliveries');
    expect(all.statusCode).toBe(200);
    expect(all.json().items.map((d: { id: string }) => d.id)).toEqual([processed, skipped, failed]);
    expect(all.json().items[1]).toEqual({
      id: skipped,
      source: 'accelevents',
      receivedAt: new Date(now - 2 * HOUR).toISOString(),
      topic: 'registration',
      status: 'skipped',
      reasonCode: 'workflow_off',
      reason: 'workflow registration-welcome was switched off when this arrived',
      error: null,
      processedAt: null,
    });
  });

  it('filters deliveries by status', async () => {
    const { failed } = await insertThreeOutcomes();
    const onlyFailed = (await get('/api/admin/deliveries?status=failed')).json();
    expect(onlyFailed.items).toEqual([expect.objectContaining({ id: failed, error: 'HighLevel said 422' })]);
    expect(onlyFailed.nextCursor).toBeNull();
  });

  it('keeps only deliveries received since an ISO time or a duration back from now', async () => {
    const now = Date.now();
    await insertDelivery({ received_at: now - 3 * 24 * HOUR });
    const recent = await insertDelivery({ received_at: now - HOUR });
    const since = new Date(now - 2 * HOUR).toISOString();
    for (const value of ['2h', '1d', since]) {
      const response = await get(`/api/admin/deliveries?since=${encodeURIComponent(value)}`);
      expect(response.json().items.map((d: { id: string }) => d.id)).toEqual([recent]);
    }
    expect((await get('/api/admin/deliveries?since=4d')).json().items).toHaveLength(2);
  });

  it('answers 400 naming since when it is neither a date/time nor a duration', async () => {
    for (const value of ['yesterday', '2025-02-30', '7x']) {
      const response = await get(`/api/admin/deliveries?since=${value}`);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: 'invalid_request', field: 'since' });
      expect(response.json().message).toContain('ISO date/time');
    }
  });

  it('pages with nextCursor without losing a delivery, even at one shared timestamp', async () => {
    const at = Date.now() - HOUR;
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push(await insertDelivery({ received_at: at + (i < 3 ? 0 : i) }));
    const seen: string[] = [];
    let url = '/api/admin/deliveries?limit=2';
    for (let page = 0; page < 5; page += 1) {
      const body = (await get(url)).json();
      seen.push(...body.items.map((d: { id: string }) => d.id));
      if (body.nextCursor === null) break;
      url = `/api/admin/deliveries?limit=2&cursor=${encodeURIComponent(body.nextCursor)}`;
    }
    expect(seen).toEqual([ids[4], ids[3], ids[2], ids[1], ids[0]]);
  });

  it('answers one delivery in full: raw body, parsed headers, mapped fields', async () => {
    const body = JSON.stringify({ topic: BADGE_TOPIC, email: 'grace@example.com', note: '<b>raw</b>' });
    const id = await deliver(body, { 'x-request-id': 'req-7' });
    const response = await get(`/api/admin/deliveries/${id}`);
    expect(response.statusCode).toBe(200);
    const delivery = response.json();
    expect(delivery).toMatchObject({ id, source: 'accelevents', status: 'ignored', contentType: 'application/json' });
    expect(delivery.body).toBe(body);
    expect(delivery.headers['x-request-id']).toBe('req-7');
    expect(delivery.mapped).toMatchObject({ rawTopic: BADGE_TOPIC, fields: { email: 'grace@example.com' } });
  });

  it('answers 404 for an unknown delivery id', async () => {
    const unknown = await get('/api/admin/deliveries/no-such-delivery');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: 'not_found', field: 'id' });
  });

  it('refuses a reprocess that gives neither ids nor status, or both, with 400', async () => {
    const id = await insertDelivery({ received_at: Date.now() });
    for (const payload of [{}, { ids: [id], status: 'ignored' }]) {
      const response = await reprocess(payload);
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toBe('invalid_request');
    }
    const received = await reprocess({ status: 'received' });
    expect(received.statusCode).toBe(400);
    expect(received.json().field).toBe('status');
  });

  /** Reprocesses a stored delivery together with an id that names none. */
  async function reprocessWithUnknownId() {
    const known = await insertDelivery({ received_at: Date.now() });
    return reprocess({ ids: [known, 'no-such-delivery'] });
  }

  it('answers 404 naming the unknown id of a reprocess', async () => {
    const response = await reprocessWithUnknownId();
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'not_found', field: 'ids' });
    expect(response.json().message).toContain('no-such-delivery');
  });

  it('queues nothing for a reprocess naming an unknown id', async () => {
    await reprocessWithUnknownId();
    expect(await harness.deps.db.selectFrom('jobs').selectAll().execute()).toEqual([]);
  });

  it('reprocesses one delivery with the current mapping: an unrecognised topic the config now aliases is queued', async () => {
    const id = await deliver(JSON.stringify({ topic: BADGE_TOPIC, barcode: 'bc-9', email: 'lin@example.com' }));
    expect((await get(`/api/admin/deliveries/${id}`)).json().status).toBe('ignored');

    const response = await reprocess({ ids: [id] });
    expect(response.statusCode).toBe(200);
    const answer = response.json();
    expect(answer.reprocessed).toBe(1);
    expect(answer.deliveries).toEqual([expect.objectContaining({ id, queued: 1 })]);
    const jobs = await harness.deps.db.selectFrom('jobs').select('payload').execute();
    expect(jobs.map((job) => JSON.parse(job.payload).inboxId)).toContain(id);
  });

  /** Stores two skipped deliveries and a failed one, then reprocesses status skipped. */
  async function reprocessSkipped() {
    const now = Date.now();
    const skipped = [
      await insertDelivery({
        received_at: now - 2 * HOUR,
        status: 'skipped',
        reason_code: 'workflow_off',
        reason: 'off',
      }),
      await insertDelivery({ received_at: now - HOUR, status: 'skipped', reason_code: 'workflow_off', reason: 'off' }),
    ];
    const failed = await insertDelivery({ received_at: now - HOUR, status: 'failed', error: 'boom' });

    const response = await reprocess({ status: 'skipped' });
    return { skipped, failed, response };
  }

  it('runs every skipped delivery on reprocess by status', async () => {
    const { skipped, response } = await reprocessSkipped();
    expect(response.statusCode).toBe(200);
    const answer = response.json();
    expect(answer.deliveries.map((d: { id: string }) => d.id).sort()).toEqual([...skipped].sort());
    expect(answer.deliveries.map((d: { status: string; queued: number }) => [d.status, d.queued])).toEqual([
      ['received', 1],
      ['received', 1],
    ]);
  });

  it('leaves the other statuses alone on reprocess by status', async () => {
    const { failed } = await reprocessSkipped();
    const row = await harness.deps.db.selectFrom('inbox').select('status').where('id', '=', failed).executeTakeFirst();
    expect(row?.status).toBe('failed');
  });

  it('answers the workflow switch with the number of skipped deliveries waiting to run', async () => {
    await insertDelivery({ received_at: Date.now(), status: 'skipped', reason_code: 'workflow_off', reason: 'off' });
    await insertDelivery({ received_at: Date.now(), status: 'skipped', reason_code: 'workflow_off', reason: 'off' });
    await insertDelivery({ received_at: Date.now(), status: 'ignored', reason_code: 'no_workflow', reason: 'none' });
    const response = await harness.app.inject({
      method: 'PUT',
      url: '/api/admin/workflows/registration-welcome',
      headers: harness.auth('admin'),
      payload: { enabled: true },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ name: 'registration-welcome', enabled: true, skippedDeliveries: 2 });
  });

  it('answers 403 forbidden to every role but admin on every deliveries route', async () => {
    const id = await insertDelivery({ received_at: Date.now(), status: 'ignored' });
    for (const role of ['viewer', 'agent', 'sponsor'] as const) {
      const answers = [
        await get('/api/admin/deliveries', role),
        await get(`/api/admin/deliveries/${id}`, role),
        await reprocess({ ids: [id] }, role),
      ];
      expect(answers.map((a) => [a.statusCode, a.json().error])).toEqual([
        [403, 'forbidden'],
        [403, 'forbidden'],
        [403, 'forbidden'],
      ]);
    }
    expect(await harness.deps.db.selectFrom('jobs').selectAll().execute()).toEqual([]);
  });

  it('refuses a cookie session’s reprocess without the x-csrf-token header', async () => {
    const id = await insertDelivery({ received_at: Date.now(), status: 'ignored' });
    const login = await harness.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { email: harness.email('admin'), password: CONSOLE_PASSWORD },
    });
    const cookie = ([login.headers['set-cookie']].flat()[0] ?? '').split(';')[0] ?? '';
    const response = await harness.app.inject({
      method: 'POST',
      url: '/api/admin/deliveries/reprocess',
      headers: { cookie },
      payload: { ids: [id] },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toBe('csrf_failed');
    // The 404 for an unknown id proves the same session gets through with its token.
    const withToken = await harness.app.inject({
      method: 'POST',
      url: '/api/admin/deliveries/reprocess',
      headers: { cookie, 'x-csrf-token': login.json().csrfToken },
      payload: { ids: ['no-such-delivery'] },
    });
    expect(withToken.statusCode).toBe(404);
  });

  it('documents the three deliveries operations for admins in the OpenAPI document', async () => {
    const document = (await get('/api/openapi.json')).json();
    const roles = (path: string, method: string) => document.paths[path]?.[method]?.['x-parley-roles'];
    expect(roles('/api/admin/deliveries', 'get')).toEqual(['admin']);
    expect(roles('/api/admin/deliveries/{id}', 'get')).toEqual(['admin']);
    expect(roles('/api/admin/deliveries/reprocess', 'post')).toEqual(['admin']);
    const list = document.paths['/api/admin/deliveries'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['status', 'since', 'cursor', 'limit']),
    );
  });
});

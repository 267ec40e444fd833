/**
 * The HighLevel call audit trail: one `highlevel_calls` row per attempt, with the
 * scope from the generated operation catalog, written through the real client against the sandbox.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/create-logger.js';
import { auditHooks } from '../../src/ratelimit/audit-hooks.js';
import { composeAttemptHooks } from '../../src/ratelimit/compose-attempt-hooks.js';
import { createRateScheduler } from '../../src/ratelimit/create-rate-scheduler.js';
import { rateLimitedHooks } from '../../src/ratelimit/rate-limited-hooks.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { pacedClient, search } from './paced-client.js';

const silent = createLogger({ level: 'silent' });
let handle: SandboxHandle;

beforeEach(async () => {
  handle = await withSandbox();
});
afterEach(async () => {
  await handle.close();
});

describeEachDatabase('HighLevel call audit', (getStore) => {
  let ids = 0;
  const newId = () => `call-${String(++ids).padStart(4, '0')}`;

  beforeEach(async () => {
    await getStore().db.deleteFrom('highlevel_calls').execute();
  });

  async function rows() {
    return getStore().db.selectFrom('highlevel_calls').selectAll().orderBy('at').orderBy('id').execute();
  }

  it('writes one row per attempt, with the details of the call', async () => {
    const scheduler = createRateScheduler({ mode: 'local', logger: silent });
    const audit = auditHooks({ db: getStore().db, actor: 'workflow-run-7', newId, logger: silent });
    const paced = pacedClient(handle, scheduler, audit);
    const locationId = handle.sandbox.defaultLocationId;

    await search(paced, locationId);
    await paced.client.contacts.upsertContact({ locationId, email: 'audit@example.com' });
    const missing = await paced.client.conversations
      .getConversation('nope00000000000000000', { locationId })
      .catch((e: unknown) => e);

    expect(missing).toMatchObject({ code: 'not_found' });
    const written = await rows();
    expect(written).toHaveLength(paced.attempts.length);
    expect(
      written.map((r) => [r.actor, r.location_id, r.operation_id, r.scope, r.status, r.error_code, r.attempt]),
    ).toEqual([
      ['workflow-run-7', locationId, 'search-conversation', 'conversations.readonly', 200, null, 1],
      ['workflow-run-7', locationId, 'upsert-contact', 'contacts.write', 200, null, 1],
      ['workflow-run-7', locationId, 'get-conversation', 'conversations.readonly', 404, 'not_found', 1],
    ]);
    for (const row of written) expect(row.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('writes one row per attempt when the rows ride with the shared rate bucket writes', async () => {
    const scheduler = createRateScheduler({ mode: 'shared', store: getStore(), logger: silent });
    const audit = auditHooks({ db: getStore().db, actor: 'job:9', newId, logger: silent });
    const paced = pacedClient(handle, null, rateLimitedHooks(scheduler, { appId: handle.sandbox.appId, audit }));
    const locationId = handle.sandbox.defaultLocationId;

    for (let i = 0; i < 3; i++) await search(paced, locationId);
    await paced.client.conversations.getConversation('nope00000000000000000', { locationId }).catch(() => undefined);

    const written = await rows();
    expect(written).toHaveLength(paced.attempts.length);
    expect(written.map((r) => [r.actor, r.operation_id, r.status])).toEqual(
      paced.attempts.map((a) => ['job:9', a.operationId, a.status]),
    );
    expect(written.filter((r) => r.operation_id === 'get-conversation').map((r) => r.error_code)).toEqual([
      'not_found',
    ]);
  });

  /** A search that fails every attempt, audited with an actor function of the call's lane; the rows it left. */
  async function auditedFailingSearch() {
    handle.sandbox.setFaults({ errorRate: 1 });
    const audit = auditHooks({ db: getStore().db, actor: (info) => `agent:${info.lane}`, newId, logger: silent });
    const paced = pacedClient(handle, null, audit, { maxRetries: 2, sleep: async () => {} });
    const locationId = handle.sandbox.defaultLocationId;

    const error = await paced.client.conversations
      .searchConversations({ locationId }, { lane: 'agent' })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'server_error' });
    return rows();
  }

  it('records each retry of a failing call as its own row, with the error code', async () => {
    const written = await auditedFailingSearch();
    expect(written.map((r) => [r.attempt, r.error_code])).toEqual([
      [1, 'server_error'],
      [2, 'server_error'],
      [3, 'server_error'],
    ]);
    expect(written.every((r) => r.status !== null && r.status >= 500)).toBe(true);
  });

  it('records the actor an actor function names', async () => {
    const written = await auditedFailingSearch();
    expect(written.map((r) => r.actor)).toEqual(['agent:agent', 'agent:agent', 'agent:agent']);
  });

  /** A search whose composed hooks are a failing metrics exporter, then the audit. */
  function searchBehindFailingExporter() {
    const audit = auditHooks({ db: getStore().db, actor: 'cli', newId, logger: silent });
    const failingExporter = {
      afterAttempt: async () => {
        throw new Error('metrics exporter down');
      },
    };
    const paced = pacedClient(handle, null, composeAttemptHooks(failingExporter, audit));
    return search(paced, handle.sandbox.defaultLocationId);
  }

  it('makes the call report the error of an afterAttempt hook that throws', async () => {
    await expect(searchBehindFailingExporter()).rejects.toThrow('metrics exporter down');
  });

  it('still writes the audit row when an earlier composed afterAttempt hook throws', async () => {
    // The call's own failure is the test above's concern.
    await searchBehindFailingExporter().catch(() => undefined);
    expect((await rows()).map((r) => [r.actor, r.operation_id, r.status])).toEqual([
      ['cli', 'search-conversation', 200],
    ]);
  });
});

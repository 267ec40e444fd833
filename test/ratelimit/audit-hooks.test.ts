/**
 * The HighLevel call audit trail: one `highlevel_calls` row per attempt, with the
 * scope from the generated operation catalog, written through the real client against the sandbox.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/create-logger.js';
import { auditHooks } from '../../src/ratelimit/audit-hooks.js';
import { composeAttemptHooks } from '../../src/ratelimit/compose-attempt-hooks.js';
import { createRateScheduler } from '../../src/ratelimit/create-rate-scheduler.js';
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

  it('writes one row per attempt with actor, location, operation, scope, status and attempt', async () => {
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

  it('records each retry of a failing call as its own row, with the error code and the actor the function names', async () => {
    handle.sandbox.setFaults({ errorRate: 1 });
    const audit = auditHooks({ db: getStore().db, actor: (info) => `agent:${info.lane}`, newId, logger: silent });
    const paced = pacedClient(handle, null, audit, { maxRetries: 2, sleep: async () => {} });
    const locationId = handle.sandbox.defaultLocationId;

    const error = await paced.client.conversations
      .searchConversations({ locationId }, { lane: 'agent' })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'server_error' });
    const written = await rows();
    expect(written.map((r) => [r.actor, r.attempt, r.error_code])).toEqual([
      ['agent:agent', 1, 'server_error'],
      ['agent:agent', 2, 'server_error'],
      ['agent:agent', 3, 'server_error'],
    ]);
    expect(written.every((r) => r.status !== null && r.status >= 500)).toBe(true);
  });

  it('still writes the audit row when an earlier composed afterAttempt hook throws, and the call reports that error', async () => {
    const audit = auditHooks({ db: getStore().db, actor: 'cli', newId, logger: silent });
    const failingExporter = {
      afterAttempt: async () => {
        throw new Error('metrics exporter down');
      },
    };
    const paced = pacedClient(handle, null, composeAttemptHooks(failingExporter, audit));

    await expect(search(paced, handle.sandbox.defaultLocationId)).rejects.toThrow('metrics exporter down');
    expect((await rows()).map((r) => [r.actor, r.operation_id, r.status])).toEqual([
      ['cli', 'search-conversation', 200],
    ]);
  });
});

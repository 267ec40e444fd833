/**
 * The test-run side of the composition root (src/app/workflow-test-runner.ts): on its own it starts a
 * HighLevel sandbox on first use, reuses it and its scratch store, and closes both; in sandbox mode
 * (`runParley`, as `parley start` runs it) a test run through the console API goes to the running
 * sandbox, in a location of its own, and nothing reaches the real store's run history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflowTestRunner, TEST_LOCATION_NAME } from '../../src/app/workflow-test-runner.js';
import { addUser, createApiToken } from '../../src/console/auth/user-accounts.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { type InProcessParley, startInProcessParley } from '../cli/in-process-parley.js';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { TEST_PASSWORD_COST } from '../helpers/password-cost.js';

const silent = createLogger({ level: 'silent' });

describe('workflow test runner without a running sandbox', () => {
  it('starts one sandbox on first use, reuses it and the scratch store, and closes both', async () => {
    const runner = createWorkflowTestRunner({ logger: silent });
    const [first, second] = await Promise.all([runner.sandbox(), runner.sandbox()]);
    expect(second).toBe(first);
    // Its location has sample contacts, each with a conversation.
    const found = await first.highlevel.call<{ conversations: unknown[] }>('search-conversation', {
      query: { locationId: first.locationId },
    });
    expect(found.data.conversations.length).toBeGreaterThan(0);

    const scratch = await runner.scratch();
    expect(await runner.scratch()).toBe(scratch);
    // Migrated: the journal's tables are there, empty.
    expect(await scratch.selectFrom('workflow_runs').select('id').execute()).toEqual([]);

    await runner.close();
    await expect(
      first.highlevel.call('search-conversation', { query: { locationId: first.locationId } }),
    ).rejects.toMatchObject({
      code: 'network_error',
    });
    await expect(runner.scratch()).rejects.toThrow(/closed/);
  });
});

describe.each(DATABASE_KINDS)('workflow test runs in sandbox mode [%s]', (kind) => {
  let parley: InProcessParley;
  let auth: { authorization: string };

  beforeAll(async () => {
    parley = await startInProcessParley(kind);
    const admin = await addUser(parley.store.db, {
      email: 'admin@parley.test',
      password: 'a long enough password',
      role: 'admin',
      passwordCost: TEST_PASSWORD_COST,
    });
    auth = {
      authorization: `Bearer ${(await createApiToken(parley.store.db, { email: admin.email, name: 'tests' })).token}`,
    };
  });
  afterAll(async () => {
    await parley?.stop();
  });

  it('runs in the running HighLevel sandbox, in a location of its own, and leaves the run history empty', async () => {
    const response = await fetch(`${parley.url}/api/workflows/checkin-welcome/test`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ sample: 'attendee-with-phone' }),
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { target: string; status: string; steps: { id: string }[] };
    expect(answer).toMatchObject({ target: 'sandbox', status: 'completed' });

    const info = (await (await fetch(`${parley.sandboxes.highlevel.url}/sandbox/info`)).json()) as {
      locations: { id: string; name: string }[];
    };
    const testLocation = info.locations.find((l) => l.name === TEST_LOCATION_NAME);
    expect(testLocation).toBeDefined();
    expect(testLocation?.id).not.toBe(parley.sandboxes.highlevel.locationId);
    expect(await parley.store.db.selectFrom('workflow_runs').select('id').execute()).toEqual([]);
  });
});

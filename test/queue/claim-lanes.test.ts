/**
 * The claim query at backlog scale (a 1M-job backlog must stay fast to claim from). A claim reads two lanes,
 * due `pending` jobs and `running` jobs whose lease ran out, each as one walk of `jobs_claim_idx` that
 * stops after `limit` rows. The plans are checked rather than timed: one OR over both lanes makes
 * SQLite and PostgreSQL gather and sort every due row, ~450 ms a claim with a million pending jobs.
 */
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { type ClaimRequest, dueLane } from '../../src/queue/claim-jobs.js';
import { createQueue } from '../../src/queue/create-queue.js';
import { describeEachDatabase } from '../helpers/databases.js';

const REQUEST: ClaimRequest = { workerId: 'plan-test', limit: 8, leaseMs: 1_000, kinds: undefined, now: 1 };

describeEachDatabase('queue claim lanes', (getStore) => {
  for (const lane of ['pending', 'running'] as const) {
    it(`reads the ${lane} lane in claim order from jobs_claim_idx, with no sort over the backlog`, async () => {
      const store = getStore();
      const query = dueLane(store.db, lane, REQUEST);
      const plan = await store.db.transaction().execute(async (trx) => {
        if (store.dialect === 'sqlite') {
          const explained = { ...query, sql: `explain query plan ${query.sql}` };
          const { rows } = await trx.executeQuery<{ detail: string }>(explained);
          return rows.map((row) => row.detail);
        }
        // A near-empty table would be seq-scanned and sorted anyway; forbid both so the plan shows
        // whether the index alone can give claim order (an OR over two statuses cannot).
        await sql`set local enable_seqscan = off`.execute(trx);
        await sql`set local enable_sort = off`.execute(trx);
        const explained = { ...query, sql: `explain ${query.sql}` };
        const { rows } = await trx.executeQuery<{ 'QUERY PLAN': string }>(explained);
        return rows.map((row) => row['QUERY PLAN']);
      });
      const text = plan.join('\n');
      expect(text).toContain('jobs_claim_idx');
      expect(text).not.toMatch(/TEMP B-TREE|MULTI-INDEX OR|Sort|BitmapOr/);
    });
  }

  it('claims from both lanes in one priority order, up to the limit', async () => {
    let t = 1_700_000_000_000;
    const queue = createQueue({ store: getStore(), now: () => t });
    const kinds = ['lanes-test'];
    const stale = await queue.enqueue({ kind: 'lanes-test', payload: { n: 'stale' }, priority: 5 });
    const [taken] = await queue.claim('worker-a', { limit: 1, leaseMs: 1_000, kinds });
    expect(taken?.id).toBe(stale.id);
    const urgent = await queue.enqueue({ kind: 'lanes-test', payload: { n: 'urgent' }, priority: 1 });
    await queue.enqueue({ kind: 'lanes-test', payload: { n: 'later' }, priority: 9 });
    await queue.enqueue({ kind: 'lanes-test', payload: { n: 'last' }, priority: 9 });
    t += 5_000; // worker-a's lease on `stale` has run out

    const claimed = await queue.claim('worker-b', { limit: 3, leaseMs: 1_000, kinds });
    expect(claimed.map((job) => job.payload)).toEqual([{ n: 'urgent' }, { n: 'stale' }, { n: 'later' }]);
    expect(claimed[0]?.id).toBe(urgent.id);
    expect(claimed[1]?.attempts).toBe(2);
  });
});

/** GET /metrics: Prometheus text with the whole system's queue, inbox, connection, rate and call gauges, read from the database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/create-logger.js';
import { createQueue } from '../../src/queue/create-queue.js';
import { createApp } from '../../src/server/create-app.js';
import { registerMetricsRoute } from '../../src/server/metrics-route.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/databases.js';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

for (const kind of DATABASE_KINDS) {
  describe(`GET /metrics [${kind}]`, () => {
    let database: TestDatabase;
    const app = createApp({ logger: createLogger({ level: 'silent' }), checkReady: async () => ({}) });

    beforeAll(async () => {
      database = await openTestDatabase(kind);
      const db = database.store.db;
      registerMetricsRoute(app, { db, now: () => NOW });
      const queue = createQueue({ store: database.store, now: () => NOW });
      await queue.enqueue({ kind: 'test.metrics', payload: {} });
      await queue.enqueue({ kind: 'test.metrics', payload: {} });
      await db
        .insertInto('rate_limit_state')
        .values({
          app_id: 'app',
          location_id: 'loc-metrics',
          max: 100,
          remaining: 37,
          interval_ms: 10_000,
          daily_limit: 200_000,
          daily_remaining: 199_000,
          window_started_at: NOW,
          updated_at: NOW,
        })
        .execute();
      const call = (id: string, at: number, status: number | null) => ({
        id,
        at,
        actor: 'test',
        location_id: 'loc-metrics',
        operation_id: 'get-conversation',
        scope: 'conversations.readonly',
        status,
        error_code: null,
        attempt: 1,
        duration_ms: 3,
      });
      await db
        .insertInto('highlevel_calls')
        .values([
          call('c1', NOW - 1000, 200),
          call('c2', NOW - 2000, 200),
          call('c3', NOW - 3000, 429),
          call('c4', NOW - 4000, null),
          call('old', NOW - 10 * 60 * 1000, 200),
        ])
        .execute();
      await app.ready();
    });
    afterAll(async () => {
      await app.close();
      await database?.dispose();
    });

    async function metricsText(): Promise<string> {
      const response = await app.inject({ url: '/metrics' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      return response.body;
    }

    it('reports the jobs by status', async () => {
      const text = await metricsText();
      expect(text).toMatch(/^parley_jobs\{status="pending"\} 2$/m);
      expect(text).toMatch(/^parley_jobs\{status="dead"\} 0$/m);
    });

    it('reports the rate budget per location', async () => {
      const text = await metricsText();
      expect(text).toMatch(/^parley_highlevel_burst_remaining\{location_id="loc-metrics"\} 37$/m);
      expect(text).toMatch(/^parley_highlevel_daily_remaining\{location_id="loc-metrics"\} 199000$/m);
    });

    it('reports recent call outcomes by status class', async () => {
      const text = await metricsText();
      // The call ten minutes ago is outside the five-minute window.
      expect(text).toMatch(/^parley_highlevel_calls_recent\{status_class="2xx"\} 2$/m);
      expect(text).toMatch(/^parley_highlevel_calls_recent\{status_class="4xx"\} 1$/m);
      expect(text).toMatch(/^parley_highlevel_calls_recent\{status_class="none"\} 1$/m);
    });

    it('reports the resident memory of the process', async () => {
      expect(await metricsText()).toMatch(/^parley_process_resident_memory_bytes \d+/m);
    });
  });
}

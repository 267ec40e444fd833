/**
 * GET /metrics in the Prometheus text format (https://prometheus.io/docs/instrumenting/exposition_formats/).
 * The gauges are read from the database at scrape time, so every `serve` process reports the same
 * whole-system picture (queue depth, dead letters, inbox backlog, connection health, each location's
 * rate budget, HighLevel call outcomes over the last five minutes), plus this process's own Node
 * metrics. Only ids and counts: no attendee data, no tokens. Each app gets its own registry so tests
 * can run several.
 * Still not for everyone: who may read it is decided by metrics-access.ts (default: loopback only).
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { Database } from '../store/schema.js';
import { DEFAULT_METRICS_ACCESS, guardMetrics, type MetricsAccess } from './metrics-access.js';

const RECENT_MS = 5 * 60 * 1000;

export interface MetricsRouteOptions {
  db: Kysely<Database>;
  now?: () => number;
  /** Default: loopback callers only, no token. */
  access?: MetricsAccess;
}

export function registerMetricsRoute(app: FastifyInstance, options: MetricsRouteOptions): Registry {
  const { db } = options;
  const now = options.now ?? Date.now;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'parley_' });

  const countBy = async <T extends 'jobs' | 'inbox'>(table: T) =>
    (await db
      .selectFrom(table as 'jobs')
      .select((eb) => ['status', eb.fn.countAll<number | string>().as('n')])
      .groupBy('status')
      .execute()) as { status: string; n: number | string }[];

  new Gauge({
    name: 'parley_jobs',
    help: 'Durable jobs by status (dead = dead letters awaiting replay)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const status of ['pending', 'running', 'done', 'dead']) this.set({ status }, 0);
      for (const row of await countBy('jobs')) this.set({ status: row.status }, Number(row.n));
    },
  });
  new Gauge({
    name: 'parley_inbox_events',
    help: 'Webhook deliveries stored in the inbox, by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await countBy('inbox')) this.set({ status: row.status }, Number(row.n));
    },
  });
  new Gauge({
    name: 'parley_connections',
    help: 'Stored connections by provider and status (needs_reconnect wants a person)',
    labelNames: ['provider', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db
        .selectFrom('connections')
        .select((eb) => ['provider', 'status', eb.fn.countAll<number | string>().as('n')])
        .groupBy(['provider', 'status'])
        .execute();
      for (const row of rows) this.set({ provider: row.provider, status: row.status }, Number(row.n));
    },
  });
  const budget = (name: string, help: string, column: 'remaining' | 'daily_remaining') =>
    new Gauge({
      name,
      help,
      labelNames: ['location_id'],
      registers: [registry],
      async collect() {
        this.reset();
        const rows = await db.selectFrom('rate_limit_state').select(['location_id', column]).execute();
        for (const row of rows) this.set({ location_id: row.location_id }, Number(row[column as 'remaining']));
      },
    });
  budget(
    'parley_highlevel_burst_remaining',
    "HighLevel requests left in the location's current burst window (last seen header)",
    'remaining',
  );
  budget(
    'parley_highlevel_daily_remaining',
    "HighLevel requests left in the location's daily budget (last seen header)",
    'daily_remaining',
  );
  new Gauge({
    name: 'parley_highlevel_calls_recent',
    help: 'HighLevel call attempts in the last 5 minutes, by HTTP status class (none = no response)',
    labelNames: ['status_class'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db
        .selectFrom('highlevel_calls')
        .select((eb) => ['status', eb.fn.countAll<number | string>().as('n')])
        .where('at', '>=', now() - RECENT_MS)
        .groupBy('status')
        .execute();
      const counts = new Map<string, number>();
      for (const row of rows) {
        const key = row.status === null ? 'none' : `${String(row.status).charAt(0)}xx`;
        counts.set(key, (counts.get(key) ?? 0) + Number(row.n));
      }
      for (const [statusClass, n] of counts) this.set({ status_class: statusClass }, n);
    },
  });

  app.get(
    '/metrics',
    { onRequest: guardMetrics(options.access ?? DEFAULT_METRICS_ACCESS) },
    async (_request, reply) => {
      const body = await registry.metrics();
      return reply.type(registry.contentType).send(body);
    },
  );
  return registry;
}

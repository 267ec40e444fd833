/**
 * Who may read /metrics. Default (`server.metrics.bind: loopback`): callers on this machine only;
 * anyone else gets the same 404 as a route that does not exist, also when X-Forwarded-For claims
 * loopback or a local proxy forwards an outside client. With a token (`server.metrics.tokenEnv`):
 * `Authorization: Bearer <token>` is required, a wrong or missing one is 401. parley serve reads the
 * token from the variable the config names and refuses to start when it is unset.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/create-logger.js';
import { createApp } from '../../src/server/create-app.js';
import type { MetricsAccess } from '../../src/server/metrics-access.js';
import { registerMetricsRoute } from '../../src/server/metrics-route.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { startServe } from './running-parley.js';

const TOKEN = 'metrics-token-0123456789abcdef';
const OUTSIDE = '203.0.113.50';

describe('/metrics access [sqlite]', () => {
  let database: TestDatabase | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    await database?.dispose();
  });

  async function metricsApp(access?: MetricsAccess, trustProxy: boolean | string[] = false): Promise<FastifyInstance> {
    database = await openTestDatabase('sqlite');
    app = createApp({
      logger: createLogger({ level: 'silent' }),
      checkReady: async () => ({}),
      server: { trustProxy },
    });
    registerMetricsRoute(app, { db: database.store.db, ...(access ? { access } : {}) });
    await app.ready();
    return app;
  }

  it('answers callers on this machine by default', async () => {
    const target = await metricsApp();
    const local = await target.inject({ url: '/metrics', remoteAddress: '127.0.0.1' });
    expect(local.statusCode).toBe(200);
    expect(local.body).toMatch(/^parley_jobs\{status="pending"\} 0$/m);
    expect((await target.inject({ url: '/metrics', remoteAddress: '::1' })).statusCode).toBe(200);
  });

  it('answers everyone else by default with the 404 of a route that does not exist', async () => {
    const target = await metricsApp();
    const outside = await target.inject({ url: '/metrics', remoteAddress: OUTSIDE });
    const missing = await target.inject({ url: '/no-such-route', remoteAddress: OUTSIDE });
    expect(outside.statusCode).toBe(404);
    expect(outside.body).toBe(missing.body.replace('/no-such-route', '/metrics'));
  });

  it('is not fooled by an X-Forwarded-For that claims loopback', async () => {
    const target = await metricsApp(undefined, ['127.0.0.1']);
    const forged = await target.inject({
      url: '/metrics',
      remoteAddress: OUTSIDE,
      headers: { 'x-forwarded-for': '127.0.0.1' },
    });
    expect(forged.statusCode).toBe(404);
  });

  it('404s an outside client a local proxy forwards', async () => {
    const target = await metricsApp(undefined, ['127.0.0.1']);
    const proxied = await target.inject({
      url: '/metrics',
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': OUTSIDE },
    });
    expect(proxied.statusCode).toBe(404);
  });

  it('asks for the bearer token from anywhere when bound to any address with a token', async () => {
    const target = await metricsApp({ bind: 'any', token: TOKEN });
    const without = await target.inject({ url: '/metrics', remoteAddress: OUTSIDE });
    expect(without.statusCode).toBe(401);
    expect(without.headers['www-authenticate']).toMatch(/^Bearer/);
    const wrong = await target.inject({
      url: '/metrics',
      remoteAddress: OUTSIDE,
      headers: { authorization: `Bearer ${TOKEN}x` },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).not.toContain(TOKEN);
    const right = await target.inject({
      url: '/metrics',
      remoteAddress: OUTSIDE,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(right.statusCode).toBe(200);
    expect(right.body).toMatch(/^parley_jobs/m);
  });
});

describe('/metrics access through parley serve [sqlite]', () => {
  it('requires the token named by server.metrics.tokenEnv', async () => {
    const parley = await startServe('sqlite', {
      config: 'server:\n  metrics: { tokenEnv: PARLEY_METRICS_TOKEN }\n',
      env: { PARLEY_METRICS_TOKEN: TOKEN },
    });
    try {
      expect((await fetch(`${parley.url}/metrics`)).status).toBe(401);
      const right = await fetch(`${parley.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(right.status).toBe(200);
    } finally {
      await parley.stop();
    }
  });

  it('does not start when the variable server.metrics.tokenEnv names is unset, naming it', async () => {
    const failure = await startServe('sqlite', {
      config: 'server:\n  metrics: { bind: any, tokenEnv: PARLEY_METRICS_TOKEN }\n',
    }).then(
      async (parley) => {
        await parley.stop();
        return null;
      },
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toContain('PARLEY_METRICS_TOKEN is not set');
  });
});

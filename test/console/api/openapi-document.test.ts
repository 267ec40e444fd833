/**
 * GET /api/openapi.json and GET /api/docs on a console app that also carries the routes parley serves
 * outside /api (health, metrics, HighLevel OAuth, Accelevents webhook intake), registered after the
 * console so @fastify/swagger sees them and has to hide them. An `onRoute` hook records what Fastify
 * really registered, so the document is compared with the routes, not with a list we keep by hand.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerHighLevelOAuthRoutes } from '../../../src/connect/highlevel/oauth-routes.js';
import { createOAuthStateStore } from '../../../src/connect/highlevel/oauth-state-store.js';
import { apiRoute } from '../../../src/console/api/api-route.js';
import { registerConsole } from '../../../src/console/register-console.js';
import { DEFAULT_FEATURES } from '../../../src/features/feature-names.js';
import { planScopes } from '../../../src/features/scope-planner.js';
import { createHighLevelTokenClient } from '../../../src/highlevel/oauth/token-client.js';
import { registerAcceleventsWebhookRoute } from '../../../src/intake/accelevents-webhook-route.js';
import { createLogger } from '../../../src/lib/create-logger.js';
import { createApp } from '../../../src/server/create-app.js';
import { registerMetricsRoute } from '../../../src/server/metrics-route.js';
import { type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';

const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { summary?: string; responses?: unknown; 'x-parley-roles'?: string[] }>>;
  components?: { securitySchemes?: Record<string, unknown> };
}

describe('console OpenAPI document and docs page', () => {
  let parley: ConsoleApp;
  let app: FastifyInstance;
  const registered: { method: string; url: string }[] = [];
  let document: OpenApiDoc;

  beforeAll(async () => {
    parley = await startConsoleApp('sqlite', { attendees: 2 });
    const logger = createLogger({ level: 'silent' });
    app = createApp({ logger, checkReady: async () => ({}) });
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) registered.push({ method, url: route.url });
    });
    await registerConsole(app, parley.deps);
    // A route of our own with every kind of input, so the docs page test does not depend on which
    // console routes exist yet.
    apiRoute(app, {
      method: 'POST',
      url: '/api/docs-probe/:thingId',
      roles: ['agent', 'admin'],
      summary: 'Probe <b>route</b> for the docs page',
      tag: 'probe',
      schema: {
        params: { type: 'object', properties: { thingId: { type: 'string', minLength: 3 } }, required: ['thingId'] },
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 100 } } },
        body: {
          type: 'object',
          required: ['status'],
          properties: {
            status: { type: 'string', enum: ['read', 'unread'] },
            attachments: { type: 'array', items: { type: 'string', format: 'uri' } },
          },
        },
      },
      handler: async () => ({ ok: true }),
    });
    // Routes parley serves outside /api, registered after the console so swagger sees (and hides) them.
    await registerAcceleventsWebhookRoute(app, { db: parley.deps.db, queue: parley.deps.queue, logger });
    registerMetricsRoute(app, { db: parley.deps.db });
    await registerHighLevelOAuthRoutes(app, {
      config: {
        authorizeUrl: `${parley.sandbox.url}/v2/oauth/chooselocation`,
        clientId: parley.sandbox.sandbox.clientId,
        redirectUri: 'http://127.0.0.1:9/oauth/highlevel/callback',
      },
      repository: parley.deps.repository,
      tokenClient: createHighLevelTokenClient({
        baseUrl: parley.sandbox.url,
        clientId: parley.sandbox.sandbox.clientId,
        clientSecret: randomBytes(8).toString('hex'),
      }),
      states: createOAuthStateStore({ db: parley.deps.db }),
      plan: (userType) => planScopes(DEFAULT_FEATURES, { userType }),
      logger,
    });
    await app.ready();
    const response = await app.inject({ url: '/api/openapi.json', headers: parley.auth('viewer') });
    expect(response.statusCode).toBe(200);
    document = response.json() as OpenApiDoc;
  });

  afterAll(async () => {
    await app?.close();
    await parley?.close();
  });

  it('is an OpenAPI 3 document describing the console API', () => {
    expect(document.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(document.info.title).toBe('parley console API');
    expect(typeof document.info.version).toBe('string');
    expect(Object.keys(document.components?.securitySchemes ?? {}).sort()).toEqual(['bearer', 'session']);
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
    );
    expect(operations.length).toBeGreaterThan(3);
    for (const { method, operation } of operations) {
      expect(HTTP_METHODS.has(method.toUpperCase())).toBe(true);
      expect(operation.responses).toBeDefined();
    }
    expect(document.paths['/api/openapi.json']?.get?.['x-parley-roles']?.sort()).toEqual([
      'admin',
      'agent',
      'sponsor',
      'viewer',
    ]);
  });

  it('contains exactly the /api routes Fastify registered, each with its method', () => {
    const fromRoutes = registered
      .filter((route) => route.url.startsWith('/api/') && HTTP_METHODS.has(route.method))
      .map((route) => `${route.method} ${toOpenApiPath(route.url)}`);
    const fromDocument = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(new Set(fromDocument)).toEqual(new Set(fromRoutes));
    expect(fromDocument).toContain('POST /api/docs-probe/{thingId}');
    expect(fromDocument).toContain('GET /api/docs');
  });

  it('leaves every route outside /api out of the document', () => {
    const urls = new Set(registered.map((route) => route.url));
    // They were registered on this app (so swagger saw them) …
    for (const url of ['/hooks/accelevents/:secret', '/oauth/highlevel/start', '/metrics']) {
      expect(urls).toContain(url);
    }
    // … and none of them, nor any other non-/api route, is in the document.
    expect(Object.keys(document.paths).filter((path) => !path.startsWith('/api/'))).toEqual([]);
    // createApp's health routes come before the console (and its swagger); they stay out too.
    expect(document.paths['/healthz']).toBeUndefined();
  });

  it('answers a caller without credentials 401, for the document as for the docs page', async () => {
    for (const url of ['/api/openapi.json', '/api/docs']) {
      expect((await app.inject({ url })).statusCode).toBe(401);
    }
  });

  it('answers a garbage bearer 401, for the document as for the docs page', async () => {
    for (const url of ['/api/openapi.json', '/api/docs']) {
      expect((await app.inject({ url, headers: { authorization: 'Bearer pk_nonsense' } })).statusCode).toBe(401);
    }
  });

  const docsPage = () => app.inject({ url: '/api/docs', headers: parley.auth('viewer') });

  it('renders every operation on the docs page', async () => {
    const response = await docsPage();
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    const html = response.body;
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of Object.keys(item)) {
        const id = `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
        expect(html, `${method} ${path}`).toContain(`id="${id}"`);
      }
    }
  });

  it('describes each operation in full on the docs page', async () => {
    const html = (await docsPage()).body;
    const probe = html.slice(html.indexOf('id="post-api-docs-probe-thingId"'));
    const article = probe.slice(0, probe.indexOf('</article>'));
    expect(article).toContain('<code class="path">/api/docs-probe/{thingId}</code>');
    expect(article).toContain('<span class="roles">agent, admin</span>');
    // The summary is escaped, not markup.
    expect(article).toContain('Probe &lt;b&gt;route&lt;/b&gt; for the docs page');
    expect(article).toMatch(/<code>thingId<\/code><\/td><td>path<\/td><td>string \(length 3–…\)<\/td><td>yes/);
    expect(article).toMatch(/<code>limit<\/code><\/td><td>query<\/td><td>integer \(1–100\)<\/td><td>no/);
    expect(article).toMatch(/<code>status<\/code><\/td><td>one of: read, unread<\/td><td>yes/);
    expect(article).toMatch(/<code>attachments<\/code><\/td><td>array of string \(uri\)<\/td><td>no/);
    const rolesOf = (id: string) => {
      const from = html.slice(html.indexOf(`id="${id}"`));
      return /<span class="roles">([^<]*)<\/span>/.exec(from.slice(0, from.indexOf('</article>')))?.[1];
    };
    expect(rolesOf('post-api-login')).toBe('anyone (this is how you sign in)');
    expect(rolesOf('get-api-me')).toBe('any signed-in caller');
    expect(rolesOf('get-api-openapi-json')).toBe('viewer, agent, admin, sponsor');
  });

  it('says how to authenticate on the docs page', async () => {
    const html = (await docsPage()).body;
    expect(html).toContain('x-csrf-token');
    expect(html).toContain('Authorization: Bearer pk_…');
    expect(html).toContain('parley users token');
  });

  const adminDocs = async () => (await app.inject({ url: '/api/docs', headers: parley.auth('admin') })).body;

  it('loads nothing from another origin', async () => {
    const html = await adminDocs();
    const sources = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((match) => match[1] ?? '');
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(source).toMatch(/^(\/|#)/);
  });

  it('has no inline script or style (CSP default-src self)', async () => {
    const html = await adminDocs();
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/\son[a-z]+=/);
    expect(html).not.toMatch(/<style/);
  });
});

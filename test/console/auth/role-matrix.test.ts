/**
 * The role matrix (src/console/auth/roles.ts): every operation in GET /api/openapi.json is probed without
 * credentials, with a garbage bearer, with every role's API token and with a cookie session that
 * omits x-csrf-token. The roles each operation allows come from its `x-parley-roles` (put there by
 * apiRoute), so a new route is covered the moment it exists; the explicit table below catches a route
 * that is missing from the document or allows the wrong roles, and a documented route missing from it.
 *
 * Runs on both databases: who is calling is resolved from SQL (sessions, API tokens, users).
 * Requests carry a body built from the operation's own JSON schema and path ids from the seeded index,
 * so the handler really runs for allowed roles (any status but 401/403 proves the role check passed).
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../../src/console/auth/roles.js';
import { CONSOLE_PASSWORD, type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';
import { type OpenApiOperation, type OpenApiSchema, sampleOf } from '../api/sample-from-schema.js';

const ALL = [...ROLES].sort();
const WRITERS = ['admin', 'agent', 'sponsor'];
const ADMIN = ['admin'];

/** The console API, with the roles each route must allow. */
const EXPECTED: readonly [string, readonly string[]][] = [
  ['GET /api/conversations', ALL],
  ['GET /api/conversations/{conversationId}', ALL],
  ['GET /api/conversations/{conversationId}/messages', ALL],
  ['GET /api/messages/{messageId}/transcript', ALL],
  ['GET /api/messages/{messageId}/transcript/download', ALL],
  ['GET /api/messages/{messageId}/recording', ALL],
  ['GET /api/conversations/{conversationId}/events', ALL],
  ['GET /api/events', ALL],
  ['PATCH /api/conversations/{conversationId}', WRITERS],
  ['DELETE /api/conversations/{conversationId}', ADMIN],
  ['POST /api/conversations/{conversationId}/messages', WRITERS],
  ['POST /api/conversations/{conversationId}/inbound', WRITERS],
  ['POST /api/conversations/{conversationId}/attachments', WRITERS],
  ['PUT /api/messages/{messageId}/status', WRITERS],
  ['DELETE /api/messages/{messageId}/schedule', WRITERS],
  ['DELETE /api/emails/{emailMessageId}/schedule', WRITERS],
  ['GET /api/admin/connections', ADMIN],
  ['GET /api/admin/workflows', ADMIN],
  ['PUT /api/admin/workflows/{name}', ADMIN],
  ['GET /api/admin/runs', ADMIN],
  ['GET /api/admin/runs/{runId}', ADMIN],
  ['POST /api/admin/runs/{runId}/retry', ADMIN],
  ['POST /api/admin/workflows/{name}/runs/retry-failed', ADMIN],
  ['GET /api/admin/dead-letters', ADMIN],
  ['POST /api/admin/dead-letters/{jobId}/replay', ADMIN],
  ['GET /api/admin/rate-budget', ADMIN],
  ['GET /api/admin/audit', ADMIN],
  ['GET /api/admin/users', ADMIN],
  ['POST /api/admin/users/{userId}/disable', ADMIN],
  ['POST /api/admin/users/{userId}/enable', ADMIN],
  ['PUT /api/admin/users/{userId}/role', ADMIN],
  ['POST /api/admin/users/{userId}/unlock', ADMIN],
  ['POST /api/admin/users/{userId}/tokens/{tokenId}/revoke', ADMIN],
  ['GET /api/catalog', ADMIN],
  ['POST /api/workflows/{name}/test', ADMIN],
  ['GET /api/admin/changes', ADMIN],
  ['GET /api/attendees/{id}', ALL],
  ['DELETE /api/notes/{noteId}', ['admin', 'agent']],
  ['POST /api/admin/dead-letters/replay-all', ADMIN],
  ['GET /api/admin/deliveries', ADMIN],
  ['GET /api/admin/deliveries/{id}', ADMIN],
  ['POST /api/admin/deliveries/reprocess', ADMIN],
  ['GET /api/admin/mapping', ADMIN],
  ['PUT /api/admin/mapping', ADMIN],
  ['POST /api/admin/mapping/preview', ADMIN],
  ['GET /api/admin/marketplace/subscriptions', ADMIN],
  ['GET /api/admin/marketplace/firings', ADMIN],
  ['GET /api/workflows', ADMIN],
  ['POST /api/workflows', ADMIN],
  ['GET /api/workflows/{name}', ADMIN],
  ['PUT /api/workflows/{name}', ADMIN],
  ['DELETE /api/workflows/{name}', ADMIN],
  ['GET /api/workflows/{name}/versions', ADMIN],
  ['GET /api/workflows/{name}/versions/{version}', ADMIN],
  ['POST /api/workflows/{name}/versions/{version}/restore', ADMIN],
  ['GET /api/workflows/{name}/export', ADMIN],
  ['POST /api/workflows/import', ADMIN],
  ['POST /api/workflows/preview', ADMIN],
  ['GET /api/openapi.json', ALL],
  ['GET /api/docs', ALL],
];

/** Routes registerConsoleAuth declares directly (not through apiRoute): login is the one public route. */
const AUTH_ROUTES: Readonly<Record<string, readonly string[] | null>> = {
  'POST /api/login': null,
  'POST /api/logout': ALL,
  'GET /api/me': ALL,
};

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface Operation {
  key: string;
  method: string;
  path: string;
  roles: readonly string[] | null;
  operation: OpenApiOperation;
}

describe.each(DATABASE_KINDS)('console API role matrix (%s)', (kind) => {
  let parley: ConsoleApp;
  let operations: Operation[];
  const sessions = new Map<Role, string>();
  const ids: Record<string, string> = {};
  const emails = new Map<Role, string>();

  beforeAll(async () => {
    // The console's sponsor user answers for Acme, whose channel holds the conversation the probes use.
    parley = await startConsoleApp(kind, {
      attendees: 3,
      config: { sponsor: { sponsors: [{ name: 'Acme', keyword: 'ACME', staff: ['sponsor@parley.test'] }] } },
    });
    const { db } = parley.deps;
    const call = await db
      .selectFrom('index_messages')
      .select(['message_id', 'conversation_id'])
      .where('has_recording', '=', 1)
      .executeTakeFirstOrThrow();
    // Every id in one conversation, the sponsor's: a sponsor is refused (403) anything outside it.
    const other = await db
      .selectFrom('index_messages')
      .select('message_id')
      .where('has_recording', '=', 0)
      .where('conversation_id', '=', call.conversation_id)
      .executeTakeFirstOrThrow();
    // One scheduled email per role: a cancelled one is gone, and a sponsor is refused (403) an id that
    // does not exist, where other roles get 404.
    for (const role of ROLES) {
      const scheduled = await parley.app.inject({
        method: 'POST',
        url: `/api/conversations/${call.conversation_id}/messages`,
        headers: parley.auth('agent'),
        payload: {
          type: 'Email',
          message: `Agenda for ${role}`,
          scheduledTimestamp: Math.floor(Date.now() / 1000) + 3600,
        },
      });
      expect(scheduled.statusCode, scheduled.body).toBe(201);
      emails.set(role, scheduled.json().emailMessageId as string);
    }
    Object.assign(ids, {
      conversationId: call.conversation_id,
      callMessageId: call.message_id,
      messageId: other.message_id,
      emailMessageId: emails.get('admin') ?? '',
      name: 'registration-welcome',
      jobId: 'job-that-does-not-exist',
    });
    // Acme's sponsor-channel conversation, so the sponsor's allowed calls reach the handlers' real work too.
    await parley.deps.index.joinSponsorChannel({
      conversationId: call.conversation_id,
      locationId: parley.locationId,
      sponsors: ['acme'],
      messageId: null,
    });
    for (const role of ROLES) {
      const login = await parley.app.inject({
        method: 'POST',
        url: '/api/login',
        payload: { email: parley.email(role), password: CONSOLE_PASSWORD },
      });
      expect(login.statusCode).toBe(200);
      const cookie = [login.headers['set-cookie']].flat()[0] ?? '';
      sessions.set(role, cookie.split(';')[0] ?? '');
    }
    const document = (await parley.app.inject({ url: '/api/openapi.json', headers: parley.auth('viewer') })).json() as {
      paths: Record<string, Record<string, OpenApiOperation>>;
    };
    // Deletes last, the conversation's own last of them, so the conversation the other operations use
    // still exists when they run (a sponsor is refused one that is gone); logout after them, because a
    // bearer logout revokes the role's token the later probes use.
    const deletesLast = (op: Operation) =>
      op.key === 'POST /api/logout'
        ? 3
        : op.key === 'DELETE /api/conversations/{conversationId}'
          ? 2
          : op.method === 'DELETE'
            ? 1
            : 0;
    operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => {
        const key = `${method.toUpperCase()} ${path}`;
        const declared = operation['x-parley-roles'];
        const roles = declared ? [...declared].sort() : key in AUTH_ROUTES ? (AUTH_ROUTES[key] ?? null) : undefined;
        if (roles === undefined) throw new Error(`${key} has no x-parley-roles: declare it with apiRoute`);
        return { key, method: method.toUpperCase(), path, roles, operation };
      }),
    );
    operations.sort((a, b) => deletesLast(a) - deletesLast(b));
  });

  afterAll(async () => {
    await parley?.close();
  });

  function requestFor(op: Operation, headers: Record<string, string>, withBody = true, role?: Role): InjectOptions {
    const url = op.path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
      const isCall = name === 'messageId' && /transcript|recording/.test(op.path);
      const email = name === 'emailMessageId' && role ? emails.get(role) : undefined;
      return encodeURIComponent(email ?? (isCall ? (ids.callMessageId ?? '') : (ids[name] ?? `unknown-${name}`)));
    });
    const query = sampleOf(op.operation, 'query');
    const search = new URLSearchParams(
      Object.entries(query).map(([key, value]): [string, string] => [key, String(value)]),
    ).toString();
    const schema = op.operation.requestBody?.content?.['application/json']?.schema as OpenApiSchema | undefined;
    const body = withBody && MUTATING.has(op.method) && op.method !== 'DELETE' ? sampleBody(schema) : undefined;
    return {
      method: op.method as InjectOptions['method'],
      url: search ? `${url}?${search}` : url,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    };
  }

  function sampleBody(schema: OpenApiSchema | undefined): unknown {
    return schema === undefined
      ? {}
      : sampleOf({ requestBody: { content: { 'application/json': { schema } } } }, 'body');
  }

  it('answers 401 without credentials on every operation but POST /api/login', async () => {
    const failures: string[] = [];
    for (const op of operations.filter((o) => o.roles !== null)) {
      const anonymous = await parley.app.inject(requestFor(op, {}));
      if (anonymous.statusCode !== 401) failures.push(`${op.key} without credentials: ${anonymous.statusCode}`);
    }
    expect(failures).toEqual([]);
  });

  it('answers 401 to a garbage bearer on every operation but POST /api/login', async () => {
    const failures: string[] = [];
    for (const op of operations.filter((o) => o.roles !== null)) {
      const garbage = await parley.app.inject(requestFor(op, { authorization: 'Bearer pk_not-a-real-token' }));
      if (garbage.statusCode !== 401) failures.push(`${op.key} with a garbage bearer: ${garbage.statusCode}`);
    }
    expect(failures).toEqual([]);
  });

  it('rejects an unauthenticated caller before it validates the input (no body: still 401, not 400)', async () => {
    const failures: string[] = [];
    for (const op of operations.filter((o) => o.roles !== null && MUTATING.has(o.method))) {
      const response = await parley.app.inject(requestFor(op, {}, false));
      if (response.statusCode !== 401) failures.push(`${op.key}: ${response.statusCode}`);
    }
    expect(failures).toEqual([]);
  });

  /** Calls every operation as each role it does (`allowed`) or does not list; answers what `failed` flags. */
  async function roleFailures(
    allowed: boolean,
    failed: (response: Awaited<ReturnType<typeof parley.app.inject>>) => boolean,
  ): Promise<string[]> {
    const failures: string[] = [];
    for (const op of operations.filter((o) => o.roles !== null)) {
      for (const role of ROLES) {
        if ((op.roles?.includes(role) === true) !== allowed) continue;
        const response = await parley.app.inject(requestFor(op, parley.auth(role), true, role));
        if (failed(response)) {
          const label = allowed ? 'allowed' : 'not allowed';
          failures.push(`${op.key} as ${role} (${label}): ${response.statusCode} ${response.body.slice(0, 120)}`);
        }
      }
    }
    return failures;
  }

  it('answers 403 forbidden to every role an operation does not list', async () => {
    const failures = await roleFailures(
      false,
      (response) => response.statusCode !== 403 || response.json().error !== 'forbidden',
    );
    expect(failures).toEqual([]);
  });

  it('answers neither 401 nor 403 to the roles an operation lists', async () => {
    const failures = await roleFailures(true, (response) => response.statusCode === 401 || response.statusCode === 403);
    expect(failures).toEqual([]);
  });

  it('answers 403 csrf_failed to a cookie session that changes something without x-csrf-token', async () => {
    const failures: string[] = [];
    const mutating = operations.filter((o) => o.roles !== null && MUTATING.has(o.method));
    expect(mutating.length).toBeGreaterThan(0);
    for (const op of mutating) {
      const role = (op.roles?.[0] ?? 'admin') as Role;
      const response = await parley.app.inject(requestFor(op, { cookie: sessions.get(role) ?? '' }));
      if (response.statusCode !== 403 || response.json().error !== 'csrf_failed') {
        failures.push(`${op.key} as ${role}: ${response.statusCode} ${response.body.slice(0, 120)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('documents every console operation, each with the roles it must allow', () => {
    const documented = new Map(operations.map((op) => [op.key, op.roles]));
    const problems: string[] = [];
    for (const [key, roles] of EXPECTED) {
      if (!documented.has(key)) problems.push(`missing: ${key}`);
      else if (JSON.stringify(documented.get(key)) !== JSON.stringify([...roles].sort())) {
        problems.push(`${key}: roles ${JSON.stringify(documented.get(key))}, expected ${JSON.stringify(roles)}`);
      }
    }
    const listed = new Set(EXPECTED.map(([key]) => key));
    for (const op of operations) {
      if (!(op.key in AUTH_ROUTES) && !listed.has(op.key))
        problems.push(`not in the table: ${op.key} ${JSON.stringify(op.roles)}`);
    }
    expect(problems).toEqual([]);
  });
});

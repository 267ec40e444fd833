/**
 * The sandbox's workflow engine against a tiny recording app (a real HTTP server standing in for
 * parley): subscriptions CREATED/UPDATED/DELETED with the documented body and only the static
 * headers, the targetUrl's auth, faults and 404 after delete, and custom actions with their body.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { readJson, type SandboxHandle, withSandbox } from '../helpers/sandbox.js';

interface AppCall {
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

const SECRET = 'static-app-secret-value';
let handle: SandboxHandle | undefined;
let appServer: Server | undefined;

afterEach(async () => {
  await handle?.close();
  await new Promise((resolve) => (appServer ? appServer.close(resolve) : resolve(undefined)));
  handle = undefined;
  appServer = undefined;
});

/** The app: records every call; `answer` decides the status and JSON body per call. */
async function startApp(
  answer: (call: AppCall) => { status: number; json: unknown } = () => ({ status: 200, json: {} }),
) {
  const calls: AppCall[] = [];
  appServer = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const call = {
        path: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString() || 'null'),
      };
      calls.push(call);
      const { status, json } = answer(call);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => appServer!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(appServer.address() as AddressInfo).port}`, calls };
}

async function start(answer?: Parameters<typeof startApp>[0]) {
  const app = await startApp(answer);
  handle = await withSandbox({
    marketplaceApp: {
      subscriptionUrl: `${app.url}/marketplace/triggers/subscription`,
      actionUrls: { parley_lookup_attendee: `${app.url}/marketplace/actions/parley_lookup_attendee` },
      headers: { 'x-parley-marketplace-secret': SECRET },
    },
  });
  return app;
}

function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${handle!.url}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

function locationToken(scopes = ['workflows.readonly'], locationId = handle!.sandbox.defaultLocationId) {
  return `Bearer ${handle!.sandbox.issueToken({ kind: 'pit', scopes, locationId }).accessToken}`;
}

async function createWorkflow(body: Record<string, unknown> = {}) {
  const res = await call('POST', '/sandbox/workflows', {
    locationId: handle!.sandbox.defaultLocationId,
    triggerKey: 'accelevents_attendee_registered',
    ...body,
  });
  expect(res.status).toBe(201);
  return (await readJson(res)) as { workflowId: string; triggerId: string };
}

const executePath = (triggerId: string, locationId = handle!.sandbox.defaultLocationId) =>
  `/workflows-marketplace/triggers/execute/${locationId}/${triggerId}`;

it('creating a workflow POSTs CREATED to the subscription URL with the documented body and only the static headers', async () => {
  const app = await start();
  const filters = [{ field: 'attendee.ticketType', operator: '==', value: 'VIP' }];
  const { workflowId, triggerId } = await createWorkflow({ filters });
  expect(app.calls).toHaveLength(1);
  const [subscription] = app.calls;
  expect(subscription?.path).toBe('/marketplace/triggers/subscription');
  expect(subscription?.body).toEqual({
    triggerData: {
      id: triggerId,
      key: 'accelevents_attendee_registered',
      filters: [{ id: 'attendee.ticketType', field: 'attendee.ticketType', operator: '==', value: 'VIP' }],
      eventType: 'CREATED',
      targetUrl: `${handle!.url}${executePath(triggerId)}`,
    },
    meta: { key: 'accelevents_attendee_registered', version: '1.0' },
    extras: { locationId: handle!.sandbox.defaultLocationId, workflowId, companyId: handle!.sandbox.companyId },
  });
  expect(subscription?.headers['x-parley-marketplace-secret']).toBe(SECRET);
  expect(subscription?.headers.authorization).toBeUndefined();
  const listed = (await readJson(await call('GET', '/sandbox/workflows'))) as { workflows: unknown[] };
  expect(listed.workflows).toMatchObject([{ workflowId, triggerId, locationId: handle!.sandbox.defaultLocationId }]);
});

it('answers 502 with the app’s status and body and keeps no workflow when the app refuses CREATED', async () => {
  await start(() => ({ status: 401, json: { error: { code: 'marketplace_secret_invalid' } } }));
  const res = await call('POST', '/sandbox/workflows', {
    locationId: handle!.sandbox.defaultLocationId,
    triggerKey: 'accelevents_attendee_registered',
  });
  expect(res.status).toBe(502);
  expect(await readJson(res)).toMatchObject({
    app: { status: 401, body: { error: { code: 'marketplace_secret_invalid' } } },
  });
  expect(await readJson(await call('GET', '/sandbox/workflows'))).toEqual({ workflows: [] });
});

it('records each execution at the targetUrl with credentials redacted', async () => {
  await start();
  const { workflowId, triggerId } = await createWorkflow();
  const payload = { event: { type: 'attendee.registered', id: 'e1' }, attendee: { email: 'a@example.com' } };
  const res = await call('POST', executePath(triggerId), payload, { authorization: locationToken() });
  expect(res.status).toBe(200);
  const { executions } = (await readJson(await call('GET', `/sandbox/workflows/${workflowId}/executions`))) as {
    executions: { body: unknown; headers: Record<string, string>; triggerId: string }[];
  };
  expect(executions).toHaveLength(1);
  expect(executions[0]?.body).toEqual(payload);
  expect(executions[0]?.triggerId).toBe(triggerId);
  expect(executions[0]?.headers.authorization).toBe('Bearer [redacted]');
  expect(JSON.stringify(executions)).not.toContain('sbx_pit_');
});

it('refuses an execution without a token of that location (401) or without workflows.readonly (403)', async () => {
  await start();
  const { workflowId, triggerId } = await createWorkflow();
  const other = handle!.sandbox.addLocation({ attendees: 1 }).location.id;
  const body = { event: { id: 'e1' } };
  expect((await call('POST', executePath(triggerId), body)).status).toBe(401);
  expect((await call('POST', executePath(triggerId), body, { authorization: 'Bearer nope' })).status).toBe(401);
  expect(
    (await call('POST', executePath(triggerId), body, { authorization: locationToken(undefined, other) })).status,
  ).toBe(401);
  const noScope = await call('POST', executePath(triggerId), body, {
    authorization: locationToken(['contacts.readonly']),
  });
  expect(noScope.status).toBe(403);
  expect(await readJson(noScope)).toMatchObject({ message: expect.stringContaining('workflows.readonly') });
  expect(handle!.sandbox.workflows.executions(workflowId)).toHaveLength(0);
});

it('answers the planned fault for exactly the next N executions, then records again', async () => {
  await start();
  const { workflowId, triggerId } = await createWorkflow();
  const faults = await call('POST', '/sandbox/workflow-faults', { status: 429, count: 2 });
  expect(await readJson(faults)).toEqual({ status: 429, count: 2 });
  const statuses: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    statuses.push((await call('POST', executePath(triggerId), { n: i }, { authorization: locationToken() })).status);
  }
  expect(statuses).toEqual([429, 429, 200]);
  expect(handle!.sandbox.workflows.executions(workflowId).map((e) => e.body)).toEqual([{ n: 2 }]);
});

it('refuses a fault status other than 429 or 5xx, naming the field', async () => {
  await start();
  const res = await call('POST', '/sandbox/workflow-faults', { status: 404, count: 1 });
  expect(res.status).toBe(400);
  expect(await readJson(res)).toMatchObject({ message: expect.stringContaining('status must be one of 429, 500') });
});

it('PATCH with new filters POSTs UPDATED with them', async () => {
  const app = await start();
  const { workflowId, triggerId } = await createWorkflow();
  const res = await call('PATCH', `/sandbox/workflows/${workflowId}`, { filters: [{ field: 'event.id', value: 'x' }] });
  expect(res.status).toBe(200);
  expect(app.calls.map((c) => c.body.triggerData.eventType)).toEqual(['CREATED', 'UPDATED']);
  expect(app.calls[1]?.body.triggerData).toMatchObject({ id: triggerId, filters: [{ field: 'event.id', value: 'x' }] });
});

it('DELETE POSTs DELETED, removes the workflow, and its targetUrl then answers 404', async () => {
  const app = await start();
  const { workflowId, triggerId } = await createWorkflow();
  expect((await call('DELETE', `/sandbox/workflows/${workflowId}`)).status).toBe(200);
  expect(app.calls.map((c) => c.body.triggerData.eventType)).toEqual(['CREATED', 'DELETED']);
  expect(app.calls[1]?.body.triggerData.id).toBe(triggerId);
  expect(await readJson(await call('GET', '/sandbox/workflows'))).toEqual({ workflows: [] });
  const late = await call('POST', executePath(triggerId), { n: 1 }, { authorization: locationToken() });
  expect(late.status).toBe(404);
  expect(await readJson(await call('GET', `/sandbox/workflows/${workflowId}/executions`))).toEqual({ executions: [] });
});

it('DELETE ?notify=false removes the workflow without telling the app, and its targetUrl answers 404', async () => {
  const app = await start();
  const { workflowId, triggerId } = await createWorkflow();
  expect((await call('DELETE', `/sandbox/workflows/${workflowId}?notify=false`)).status).toBe(200);
  expect(app.calls.map((c) => c.body.triggerData.eventType)).toEqual(['CREATED']);
  const late = await call('POST', executePath(triggerId), { n: 1 }, { authorization: locationToken() });
  expect(late.status).toBe(404);
});

it('refuses a DELETE whose notify is neither true nor false, naming it, and keeps the workflow', async () => {
  const app = await start();
  const { workflowId } = await createWorkflow();
  const res = await call('DELETE', `/sandbox/workflows/${workflowId}?notify=no`);
  expect(res.status).toBe(400);
  expect(JSON.stringify(await readJson(res))).toContain('notify must be true or false');
  expect(app.calls.map((c) => c.body.triggerData.eventType)).toEqual(['CREATED']);
  expect((await readJson(await call('GET', '/sandbox/workflows'))).workflows).toHaveLength(1);
});

it('runs the workflow’s custom action after an execution with { data, extras, meta } and records its branch', async () => {
  const app = await start((c) =>
    c.path.startsWith('/marketplace/actions/')
      ? { status: 200, json: { branchId: 'found', attendee: { email: c.body.data.email } } }
      : { status: 200, json: {} },
  );
  const { workflowId, triggerId } = await createWorkflow({
    actions: [{ key: 'parley_lookup_attendee', data: { email: '{{attendee.email}}', note: 'for {{attendee.email}}' } }],
  });
  const payload = { contactId: 'contact-1', attendee: { email: 'a@example.com' } };
  expect((await call('POST', executePath(triggerId), payload, { authorization: locationToken() })).status).toBe(200);
  await handle!.sandbox.workflows.flush();
  const actionCall = app.calls.find((c) => c.path === '/marketplace/actions/parley_lookup_attendee');
  expect(actionCall?.body).toEqual({
    data: { email: 'a@example.com', note: 'for a@example.com' },
    extras: { locationId: handle!.sandbox.defaultLocationId, contactId: 'contact-1', workflowId },
    meta: { key: 'parley_lookup_attendee', version: '1.0' },
  });
  expect(actionCall?.headers['x-parley-marketplace-secret']).toBe(SECRET);
  const [execution] = handle!.sandbox.workflows.executions(workflowId);
  expect(execution?.actions).toMatchObject([
    {
      key: 'parley_lookup_attendee',
      status: 200,
      branchId: 'found',
      response: { attendee: { email: 'a@example.com' } },
    },
  ]);
});

it('run-action calls the action URL directly and answers with the app’s response', async () => {
  await start((c) => ({ status: 200, json: { branchId: 'found', echoed: c.body } }));
  const { workflowId } = await createWorkflow();
  const res = await call('POST', `/sandbox/workflows/${workflowId}/run-action`, {
    contactId: 'contact-9',
    actionKey: 'parley_lookup_attendee',
    data: { email: 'b@example.com' },
  });
  expect(res.status).toBe(200);
  expect(await readJson(res)).toMatchObject({
    key: 'parley_lookup_attendee',
    status: 200,
    branchId: 'found',
    response: { echoed: { extras: { contactId: 'contact-9', workflowId } } },
  });
});

it('records an action without a configured URL as an error instead of calling anything', async () => {
  const app = await start();
  const { workflowId } = await createWorkflow();
  const res = await call('POST', `/sandbox/workflows/${workflowId}/run-action`, { actionKey: 'parley_add_note' });
  expect(await readJson(res)).toMatchObject({
    status: null,
    error: expect.stringContaining('no URL is configured for action parley_add_note'),
  });
  expect(app.calls).toHaveLength(1);
});

it('refuses a bad workflow with 400 naming the field, and an unknown one with 404', async () => {
  await start();
  const bad = await call('POST', '/sandbox/workflows', {
    locationId: handle!.sandbox.defaultLocationId,
    triggerKey: 'Bad Key',
  });
  expect(bad.status).toBe(400);
  expect(await readJson(bad)).toMatchObject({ message: expect.stringContaining('triggerKey must be') });
  const filters = await call('POST', '/sandbox/workflows', {
    locationId: handle!.sandbox.defaultLocationId,
    triggerKey: 'accelevents_attendee_registered',
    filters: [{ value: 'x' }],
  });
  expect(await readJson(filters)).toMatchObject({
    message: expect.stringContaining('filters[0] must be an object with a non-empty string field'),
  });
  const location = await call('POST', '/sandbox/workflows', {
    locationId: 'nowhere',
    triggerKey: 'accelevents_attendee_registered',
  });
  expect(location.status).toBe(404);
  expect((await call('DELETE', '/sandbox/workflows/missing')).status).toBe(404);
});

it('shows the app’s header names but never their values', async () => {
  await start();
  const info = await readJson(await call('GET', '/sandbox/info'));
  expect(info).toMatchObject({ marketplaceApp: { headerNames: ['x-parley-marketplace-secret'] } });
  expect(JSON.stringify(info)).not.toContain(SECRET);
  expect(JSON.stringify(await readJson(await call('GET', '/sandbox/marketplace-app')))).not.toContain(SECRET);
});

import { afterEach, describe, expect, it } from 'vitest';
import { createHighLevelSandbox } from '../../src/sandbox/highlevel/create-sandbox.js';
import { SandboxError } from '../../src/sandbox/highlevel/sandbox-errors.js';
import { echoHandlers, readJson, type SandboxHandle, withSandbox } from '../helpers/sandbox.js';

let handle: SandboxHandle | undefined;

afterEach(async () => {
  await handle?.close();
  handle = undefined;
});

function post(path: string, body: unknown) {
  return fetch(`${handle!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('sandbox control routes', () => {
  it('describes itself at GET /sandbox/info: base URL, company, locations, limits, faults', async () => {
    handle = await withSandbox({ handlers: echoHandlers(), burstLimit: 5 });
    const info = await readJson(await fetch(`${handle.url}/sandbox/info`));
    expect(info).toMatchObject({
      baseUrl: handle.url,
      companyId: 'SbxCompany0000000001',
      defaultLocationId: 'SbxLocation000000001',
      locations: [{ id: 'SbxLocation000000001', name: 'Sandbox Events (sample)' }],
      limits: { burstLimit: 5, burstIntervalMs: 10_000, dailyLimit: 200_000 },
      faults: { errorRate: 0, latencyMs: 0, latencyJitterMs: 0, timeoutRate: 0, resetRate: 0 },
      oauth: { authorizeUrl: `${handle.url}/v2/oauth/chooselocation`, tokenUrl: `${handle.url}/oauth/token` },
    });
    expect(JSON.stringify(info)).not.toContain('sandbox-client-secret');
  });

  it('issues a working token at POST /sandbox/tokens', async () => {
    handle = await withSandbox({ handlers: echoHandlers() });
    const res = await post('/sandbox/tokens', { scopes: ['conversations.readonly'], ttlSeconds: 30 });
    expect(res.status).toBe(200);
    const issued = await readJson(res);
    expect(issued).toMatchObject({ expiresIn: 30, scopes: ['conversations.readonly'] });
    const search = await fetch(`${handle.url}/conversations/search?locationId=x`, {
      headers: { authorization: `Bearer ${issued.accessToken}`, version: '2021-04-15' },
    });
    expect(search.status).toBe(200);
  });

  it('answers 400 naming a bad field of POST /sandbox/tokens', async () => {
    handle = await withSandbox({ handlers: echoHandlers() });
    const bad = await post('/sandbox/tokens', { userType: 'Robot' });
    expect(bad.status).toBe(400);
    expect((await readJson(bad)).message).toBe('userType must be "Location" or "Company"');
    const unknownLocation = await post('/sandbox/tokens', { locationId: 'nowhere' });
    expect((await readJson(unknownLocation)).message).toBe('locationId nowhere is not a sandbox location');
  });

  it('adds a location at POST /sandbox/locations that tokens can then be issued for', async () => {
    handle = await withSandbox({ handlers: echoHandlers() });
    const res = await post('/sandbox/locations', { name: 'Expo Hall' });
    expect(res.status).toBe(200);
    const { location, seeded } = await readJson(res);
    expect(location.name).toBe('Expo Hall');
    expect(location.id).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(seeded).toBeNull();
    expect(handle.sandbox.issueToken({ locationId: location.id }).accessToken).toMatch(/^sbx_at_/);
  });

  it('rejects an unknown rate-limit option', async () => {
    handle = await withSandbox({ handlers: echoHandlers() });
    const unknown = await post('/sandbox/rate-limits', { burst: 5 });
    expect(unknown.status).toBe(400);
    expect((await readJson(unknown)).message).toMatch(/^rate limits has no option burst/);
  });

  it('rejects a rate limit that is not an integer', async () => {
    handle = await withSandbox({ handlers: echoHandlers() });
    const fractional = await post('/sandbox/rate-limits', { dailyLimit: 2.5 });
    expect((await readJson(fractional)).message).toBe('dailyLimit must be an integer >= 1, got 2.5');
  });

  it('refuses bad construction options with a SandboxError naming the option', () => {
    expect(() => createHighLevelSandbox({ handlers: {}, burstLimit: 0 })).toThrow(SandboxError);
    expect(() => createHighLevelSandbox({ handlers: {}, faults: { resetRate: -1 } })).toThrow(/resetRate/);
    expect(() => createHighLevelSandbox({ handlers: {}, webhookUrl: 'not a url' })).toThrow(/webhookUrl/);
    expect(() => createHighLevelSandbox({ handlers: {}, messagesShape: 'nested' as 'flat' })).toThrow(/messagesShape/);
  });

  it('has no URL until it listens', () => {
    const sandbox = createHighLevelSandbox({ handlers: {}, rsaModulusLength: 1024 });
    expect(() => sandbox.url).toThrow(/listen/);
  });

  it('answers 501 naming an operation that has no handler', async () => {
    handle = await withSandbox({ handlers: {} });
    const { accessToken } = handle.sandbox.issueToken();
    const res = await fetch(`${handle.url}/conversations/c1`, {
      headers: { authorization: `Bearer ${accessToken}`, version: '2021-04-15' },
    });
    expect(res.status).toBe(501);
    expect((await readJson(res)).message).toBe('Not implemented in the sandbox: get-conversation');
  });
});

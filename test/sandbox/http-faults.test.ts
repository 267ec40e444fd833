import { request } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Faults } from '../../src/sandbox/highlevel/fault-injector.js';
import { echoHandlers, readJson, type SandboxHandle, withSandbox } from '../helpers/sandbox.js';

let handle: SandboxHandle;

afterEach(async () => {
  await handle?.close();
});

async function start(faults: Partial<Faults>, random?: () => number) {
  const delays: number[] = [];
  handle = await withSandbox({
    handlers: echoHandlers(),
    faults,
    ...(random ? { random } : {}),
    sleep: async (ms) => {
      delays.push(ms);
    },
  });
  return { delays, token: handle.sandbox.issueToken().accessToken };
}

interface RawOutcome {
  status?: number;
  error?: string;
}

/**
 * One request over node:http, so socket-level outcomes (reset, no answer) are visible as they are.
 * `abort` lets the caller give up on a request that is not answered.
 */
function rawGet(path: string, token: string): { done: Promise<RawOutcome>; abort: () => void } {
  const url = new URL(path, handle.url);
  const req = request(url, { headers: { authorization: `Bearer ${token}`, version: '2021-04-15' }, agent: false });
  const done = new Promise<RawOutcome>((resolve) => {
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode });
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
  });
  req.end();
  return { done, abort: () => req.destroy(new Error('client gave up')) };
}

const searchPath = () => `/conversations/search?locationId=${handle.sandbox.defaultLocationId}`;

describe('sandbox faults', () => {
  it('answers 500, 502 or 503 with a JSON body when errorRate is 1', async () => {
    const { token } = await start({ errorRate: 1 });
    const res = await fetch(`${handle.url}${searchPath()}`, {
      headers: { authorization: `Bearer ${token}`, version: '2021-04-15' },
    });
    expect([500, 502, 503]).toContain(res.status);
    expect((await readJson(res)).statusCode).toBe(res.status);
    expect(handle.sandbox.stats.faultsInjected.error).toBe(1);
  });

  it('also fails the token endpoint when errorRate is 1', async () => {
    await start({ errorRate: 1 });
    const res = await fetch(`${handle.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token',
    });
    expect(res.status).toBeGreaterThanOrEqual(500);
  });

  it('resets the connection without a response when resetRate is 1', async () => {
    const { token } = await start({ resetRate: 1 });
    const outcome = await rawGet(searchPath(), token).done;
    expect(outcome.status).toBeUndefined();
    expect(outcome.error).toBe('ECONNRESET');
    expect(handle.sandbox.stats.faultsInjected.reset).toBe(1);
  });

  it('never answers when timeoutRate is 1, until the client gives up', async () => {
    const { token } = await start({ timeoutRate: 1 });
    const pending = rawGet(searchPath(), token);
    await vi.waitFor(() => expect(handle.sandbox.stats.faultsInjected.timeout).toBe(1));
    pending.abort();
    expect(await pending.done).toEqual({ error: 'client gave up' });
  });

  it('closes promptly while a timed-out request is still held open, ending that connection', async () => {
    const { token } = await start({ timeoutRate: 1 });
    const pending = rawGet(searchPath(), token);
    await vi.waitFor(() => expect(handle.sandbox.stats.faultsInjected.timeout).toBe(1));
    await handle.close();
    const outcome = await pending.done;
    expect(outcome.status).toBeUndefined();
    expect(outcome.error).toBeDefined();
  });

  it('adds latencyMs through the injected sleep before answering', async () => {
    const { delays, token } = await start({ latencyMs: 250 });
    const res = await fetch(`${handle.url}${searchPath()}`, {
      headers: { authorization: `Bearer ${token}`, version: '2021-04-15' },
    });
    expect(res.status).toBe(200);
    expect(delays).toEqual([250]);
  });

  it('adds latencyJitterMs on top of latencyMs, scaled by the injected random draw', async () => {
    const draws = [0.5, 0, 0.999];
    const { delays, token } = await start({ latencyMs: 100, latencyJitterMs: 300 }, () => draws.shift() ?? 0);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${handle.url}${searchPath()}`, {
        headers: { authorization: `Bearer ${token}`, version: '2021-04-15' },
      });
      expect(res.status).toBe(200);
    }
    expect(delays).toEqual([250, 100, 100 + 0.999 * 300]);
  });

  it('rejects a negative latencyJitterMs naming the field', async () => {
    await start({});
    const res = await fetch(`${handle.url}/sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyJitterMs: -5 }),
    });
    expect(res.status).toBe(400);
    expect((await readJson(res)).message).toBe('latencyJitterMs must be a number >= 0, got -5');
  });

  it('sets latencyJitterMs through POST /sandbox/faults and shows it in /sandbox/info', async () => {
    await start({});
    const res = await fetch(`${handle.url}/sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyJitterMs: 300 }),
    });
    expect(res.status).toBe(200);
    const info = await readJson(await fetch(`${handle.url}/sandbox/info`));
    expect(info.faults).toMatchObject({ latencyMs: 0, latencyJitterMs: 300 });
  });

  it('leaves /sandbox/* routes unaffected by every fault', async () => {
    await start({ errorRate: 1, resetRate: 1, timeoutRate: 1 });
    const info = await fetch(`${handle.url}/sandbox/info`);
    expect(info.status).toBe(200);
    expect((await readJson(info)).faults).toEqual({
      errorRate: 1,
      latencyMs: 0,
      latencyJitterMs: 0,
      timeoutRate: 1,
      resetRate: 1,
    });
    const tokens = await fetch(`${handle.url}/sandbox/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(tokens.status).toBe(200);
    expect(handle.sandbox.stats.requests).toBe(0);
  });

  it('rejects a fault rate above 1', async () => {
    await start({ errorRate: 1 });
    const bad = await fetch(`${handle.url}/sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: 2 }),
    });
    expect(bad.status).toBe(400);
    expect((await readJson(bad)).message).toBe('errorRate must be a number between 0 and 1, got 2');
  });

  it('switches faults off again through POST /sandbox/faults', async () => {
    const { token } = await start({ errorRate: 1 });
    const off = await fetch(`${handle.url}/sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: 0 }),
    });
    expect(off.status).toBe(200);
    const res = await fetch(`${handle.url}${searchPath()}`, {
      headers: { authorization: `Bearer ${token}`, version: '2021-04-15' },
    });
    expect(res.status).toBe(200);
  });
});

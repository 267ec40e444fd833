import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHighLevelClient, type HighLevelClientOptions } from '../../src/highlevel/client.js';
import type { AccessTokenRequest, AfterAttemptInfo } from '../../src/highlevel/client-types.js';
import { HighLevelError } from '../../src/highlevel/errors.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { type ScriptedServer, startScriptedServer, unusedPort } from '../helpers/scripted-server.js';

let server: ScriptedServer;
let delays: number[];
let tokenRequests: AccessTokenRequest[];

beforeEach(async () => {
  server = await startScriptedServer();
  delays = [];
  tokenRequests = [];
});
afterEach(async () => {
  await server.close();
});

function client(overrides: Partial<HighLevelClientOptions> = {}) {
  return createHighLevelClient({
    baseUrl: server.url,
    auth: {
      getAccessToken: async (ctx) => {
        tokenRequests.push(ctx);
        return ctx.forceRefresh ? 'tok-fresh-0123456789' : 'tok-stale-0123456789';
      },
    },
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
    logger: createLogger({ level: 'silent' }),
    ...overrides,
  });
}

const getConversation = { path: { conversationId: 'c1' } };
const sendInput = { body: { type: 'SMS', subType: 'SMS', status: 'pending', contactId: 'ct1', message: 'hi' } };

async function failure(promise: Promise<unknown>): Promise<HighLevelError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HighLevelError);
  return error as HighLevelError;
}

describe('HighLevel client retries', () => {
  it('retries a read that answered 500 until it succeeds', async () => {
    server.enqueue({ status: 500, json: { message: 'boom' } }, { json: { id: 'c1' } });
    const result = await client().call('get-conversation', getConversation);
    expect(result.data).toEqual({ id: 'c1' });
    expect(server.requests).toHaveLength(2);
    expect(delays).toHaveLength(1);
  });

  it('waits at least X-RateLimit-Interval-Milliseconds after a 429, then succeeds', async () => {
    server.enqueue(
      { status: 429, json: { message: 'Too many' }, headers: { 'x-ratelimit-interval-milliseconds': '10000' } },
      { json: { id: 'c1' } },
    );
    await client().call('get-conversation', getConversation);
    expect(server.requests).toHaveLength(2);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(10_000);
  });

  it('waits Retry-After seconds after a 429 when the header is present', async () => {
    server.enqueue(
      {
        status: 429,
        headers: { 'retry-after': '42', 'x-ratelimit-interval-milliseconds': '10000' },
      },
      { json: { id: 'c1' } },
    );
    await client().call('get-conversation', getConversation);
    expect(delays[0]).toBeGreaterThanOrEqual(42_000);
  });

  it('exposes the rate-limit headers of a 429 on the error once retries are spent', async () => {
    const limited = {
      status: 429,
      json: { message: 'Too many requests' },
      headers: { 'x-ratelimit-max': '100', 'x-ratelimit-remaining': '0', 'x-ratelimit-interval-milliseconds': '10000' },
    };
    server.enqueue(limited, limited);
    const error = await failure(client({ maxRetries: 1 }).call('get-conversation', getConversation));
    expect(error.code).toBe('rate_limited');
    expect(error.rateLimit).toEqual({
      max: 100,
      remaining: 0,
      intervalMs: 10000,
      dailyLimit: null,
      dailyRemaining: null,
    });
    expect(server.requests).toHaveLength(2);
  });

  it.each([
    [400, 'invalid_request'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [422, 'invalid_request'],
  ])('does not retry HTTP %i (%s)', async (status, code) => {
    server.enqueue({ status, json: { statusCode: status, message: ['field locationId must be a string'] } });
    const error = await failure(client().call('get-conversation', getConversation));
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.messages).toEqual(['field locationId must be a string']);
    expect(server.requests).toHaveLength(1);
  });

  it('names the missing scope from a 403 message', async () => {
    server.enqueue({ status: 403, json: { message: 'The token is missing the scope conversations/message.write' } });
    const error = await failure(client().call('send-a-new-message', sendInput));
    expect(error).toMatchObject({ code: 'forbidden', missingScope: 'conversations/message.write' });
  });

  it('retries a 401 once with a refreshed token', async () => {
    server.enqueue({ status: 401, json: { message: 'Invalid JWT' } }, { json: { id: 'c1' } });
    await client().call('get-conversation', getConversation);
    expect(tokenRequests.map((t) => t.forceRefresh)).toEqual([false, true]);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer tok-stale-0123456789',
      'Bearer tok-fresh-0123456789',
    ]);
    expect(delays).toEqual([]);
  });

  it('fails on a second 401 instead of refreshing again', async () => {
    server.enqueue({ status: 401 }, { status: 401 }, { json: { id: 'c1' } });
    const error = await failure(client().call('get-conversation', getConversation));
    expect(error.code).toBe('unauthorized');
    expect(server.requests).toHaveLength(2);
    expect(tokenRequests.map((t) => t.forceRefresh)).toEqual([false, true]);
  });

  it('retries a safe GET after the connection is reset', async () => {
    server.enqueue({ reset: true }, { json: { id: 'c1' } });
    const result = await client().call('get-conversation', getConversation);
    expect(result.data).toEqual({ id: 'c1' });
    expect(server.requests).toHaveLength(2);
  });

  it('does not resend send-a-new-message after a 500', async () => {
    server.enqueue({ status: 500, json: { message: 'upstream' } }, { json: { messageId: 'm1' } });
    await failure(client().call('send-a-new-message', sendInput));
    expect(server.requests).toHaveLength(1);
  });

  it('marks the error of send-a-new-message after a 500 ambiguous', async () => {
    server.enqueue({ status: 500, json: { message: 'upstream' } }, { json: { messageId: 'm1' } });
    const error = await failure(client().call('send-a-new-message', sendInput));
    expect(error).toMatchObject({ code: 'server_error', ambiguous: true });
    expect(JSON.parse(JSON.stringify(error)).ambiguous).toBe(true);
  });

  it('does not resend send-a-new-message after a connection reset', async () => {
    server.enqueue({ reset: true }, { json: { messageId: 'm1' } });
    await failure(client().call('send-a-new-message', sendInput));
    expect(server.requests).toHaveLength(1);
  });

  it('marks the error of send-a-new-message after a connection reset ambiguous', async () => {
    server.enqueue({ reset: true }, { json: { messageId: 'm1' } });
    const error = await failure(client().call('send-a-new-message', sendInput));
    expect(error).toMatchObject({ code: 'network_error', ambiguous: true });
  });

  it('resends send-a-new-message after a 429, which HighLevel refused without acting', async () => {
    server.enqueue(
      { status: 429, headers: { 'x-ratelimit-interval-milliseconds': '10000' } },
      { json: { messageId: 'm1' } },
    );
    const result = await client().call('send-a-new-message', sendInput);
    expect(result.data).toEqual({ messageId: 'm1' });
    expect(server.requests).toHaveLength(2);
  });

  it('resends send-a-new-message after the connection was refused, which sent nothing', async () => {
    const port = await unusedPort();
    let late: ScriptedServer | undefined;
    const api = client({
      baseUrl: `http://127.0.0.1:${port}`,
      sleep: async (ms) => {
        delays.push(ms);
        // HighLevel comes back during the backoff.
        late ??= await startScriptedServer({ port });
        late.enqueue({ json: { messageId: 'm1' } });
      },
    });
    try {
      const result = await api.call('send-a-new-message', sendInput);
      expect(result.data).toEqual({ messageId: 'm1' });
      expect(delays).toHaveLength(1);
      expect(late?.requests).toHaveLength(1);
    } finally {
      await late?.close();
    }
  });

  it('gives up after maxRetries 5xx answers on a read, not ambiguous', async () => {
    for (let i = 0; i < 3; i++) server.enqueue({ status: 503 });
    const error = await failure(client({ maxRetries: 2 }).call('get-conversation', getConversation));
    expect(error).toMatchObject({ code: 'server_error', status: 503, ambiguous: false });
    expect(server.requests).toHaveLength(3);
    expect(delays).toHaveLength(2);
  });

  it('retries a safe read whose attempt outlived timeoutMs', async () => {
    server.enqueue({ hang: true }, { json: { id: 'c1' } });
    const result = await client({ timeoutMs: 100 }).call('get-conversation', getConversation);
    expect(result.data).toEqual({ id: 'c1' });
    expect(server.requests).toHaveLength(2);
  });

  it('fails a timed-out send as an ambiguous timeout', async () => {
    server.enqueue({ hang: true }, { json: { messageId: 'm1' } });
    const error = await failure(client({ timeoutMs: 100 }).call('send-a-new-message', sendInput));
    expect(error).toMatchObject({ code: 'timeout', ambiguous: true, status: null });
  });

  it('does not resend a timed-out send', async () => {
    server.enqueue({ hang: true }, { json: { messageId: 'm1' } });
    await failure(client({ timeoutMs: 100 }).call('send-a-new-message', sendInput));
    expect(server.requests).toHaveLength(1);
  });

  /** One read that fails with 502 and then succeeds, recording what the attempt hooks saw. */
  async function readWithAttemptHooks() {
    const before: number[] = [];
    const after: AfterAttemptInfo[] = [];
    let clock = 1_000;
    server.enqueue({ status: 502 }, { json: { id: 'c1' }, headers: { 'x-ratelimit-remaining': '5' } });
    await client({
      now: () => (clock += 7),
      beforeAttempt: async (info) => {
        before.push(info.attempt);
      },
      afterAttempt: (info) => {
        after.push(info);
      },
    }).call('get-conversation', { ...getConversation, locationId: 'loc-7' });
    return { before, after };
  }

  it('calls beforeAttempt before every attempt', async () => {
    const { before } = await readWithAttemptHooks();
    expect(before).toEqual([1, 2]);
  });

  it('reports the outcome of every attempt to afterAttempt', async () => {
    const { after } = await readWithAttemptHooks();
    expect(after.map((a) => [a.attempt, a.status, a.error?.code, a.locationId, a.durationMs])).toEqual([
      [1, 502, 'server_error', 'loc-7', 7],
      [2, 200, undefined, 'loc-7', 7],
    ]);
    expect(after[1]?.rateLimit?.remaining).toBe(5);
  });

  it('refuses to construct without an auth provider', () => {
    expect(() => createHighLevelClient({} as HighLevelClientOptions)).toThrow(/options\.auth\.getAccessToken/);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { echoHandlers, readJson, type SandboxHandle, withSandbox } from '../helpers/sandbox.js';

let handle: SandboxHandle;
let clock = 0;

afterEach(async () => {
  await handle?.close();
});

async function start(limits: { burstLimit?: number; burstIntervalMs?: number; dailyLimit?: number }) {
  // 2026-01-05 23:59:00 UTC: one minute before a UTC day boundary.
  clock = Date.UTC(2026, 0, 5, 23, 59);
  handle = await withSandbox({ handlers: echoHandlers(), now: () => clock, ...limits });
}

function search(token: string, locationId = handle.sandbox.defaultLocationId) {
  return fetch(`${handle.url}/conversations/search?locationId=${locationId}`, {
    headers: { authorization: `Bearer ${token}`, version: '2021-04-15' },
  });
}

function rateHeaders(res: Response) {
  return {
    limitDaily: res.headers.get('x-ratelimit-limit-daily'),
    dailyRemaining: res.headers.get('x-ratelimit-daily-remaining'),
    interval: res.headers.get('x-ratelimit-interval-milliseconds'),
    max: res.headers.get('x-ratelimit-max'),
    remaining: res.headers.get('x-ratelimit-remaining'),
  };
}

describe('sandbox rate limits', () => {
  it('reports all five X-RateLimit headers on success, counting down', async () => {
    await start({ burstLimit: 3, burstIntervalMs: 10_000, dailyLimit: 50 });
    const { accessToken } = handle.sandbox.issueToken();
    const first = await search(accessToken);
    expect(first.status).toBe(200);
    expect(rateHeaders(first)).toEqual({
      limitDaily: '50',
      dailyRemaining: '49',
      interval: '10000',
      max: '3',
      remaining: '2',
    });
    const second = await search(accessToken);
    expect(rateHeaders(second)).toMatchObject({ dailyRemaining: '48', remaining: '1' });
  });

  /** Two calls 2.5 s apart spend a burst of 2 per 10 s; the third is limited. */
  async function spentBurst() {
    await start({ burstLimit: 2, burstIntervalMs: 10_000 });
    const { accessToken } = handle.sandbox.issueToken();
    expect((await search(accessToken)).status).toBe(200);
    clock += 2_500;
    expect((await search(accessToken)).status).toBe(200);
    const limited = await search(accessToken);
    return { accessToken, limited };
  }

  it('answers 429 once the burst is spent, with every rate-limit header, Retry-After included', async () => {
    const { limited } = await spentBurst();
    expect(limited.status).toBe(429);
    expect(await readJson(limited)).toEqual({
      statusCode: 429,
      message: 'Too Many Requests',
      error: 'Too Many Requests',
    });
    expect(rateHeaders(limited)).toEqual({
      limitDaily: '200000',
      dailyRemaining: '199998',
      interval: '10000',
      max: '2',
      remaining: '0',
    });
    // The window opened at the first request; 7.5 s of it remain → 8 s rounded up.
    expect(limited.headers.get('retry-after')).toBe('8');
    expect(handle.sandbox.stats.rateLimited).toBe(1);
  });

  it('recovers from a spent burst when the window passes', async () => {
    const { accessToken } = await spentBurst();
    clock += 7_500;
    const recovered = await search(accessToken);
    expect(recovered.status).toBe(200);
    expect(rateHeaders(recovered)).toMatchObject({ remaining: '1', dailyRemaining: '199997' });
  });

  it('consumes no budget for rejected requests', async () => {
    await start({ burstLimit: 1, burstIntervalMs: 1_000, dailyLimit: 10 });
    const { accessToken } = handle.sandbox.issueToken();
    await search(accessToken);
    for (let i = 0; i < 3; i += 1) expect((await search(accessToken)).status).toBe(429);
    clock += 1_000;
    const next = await search(accessToken);
    expect(next.status).toBe(200);
    expect(rateHeaders(next).dailyRemaining).toBe('8');
  });

  it('answers 429 until the next UTC day once the daily limit is spent', async () => {
    await start({ burstLimit: 100, dailyLimit: 2 });
    const { accessToken } = handle.sandbox.issueToken();
    expect((await search(accessToken)).status).toBe(200);
    expect((await search(accessToken)).status).toBe(200);
    const limited = await search(accessToken);
    expect(limited.status).toBe(429);
    expect(rateHeaders(limited)).toMatchObject({ dailyRemaining: '0', remaining: '98' });
    expect(limited.headers.get('retry-after')).toBe('60');
    clock += 30_000;
    expect((await search(accessToken)).status).toBe(429);
    clock += 30_000;
    const nextDay = await search(accessToken);
    expect(nextDay.status).toBe(200);
    expect(rateHeaders(nextDay).dailyRemaining).toBe('1');
  });

  it('keeps a separate budget per location: location B is unaffected when A is spent', async () => {
    await start({ burstLimit: 2 });
    const b = handle.sandbox.addLocation({ name: 'B' }).location.id;
    const tokenA = handle.sandbox.issueToken().accessToken;
    const tokenB = handle.sandbox.issueToken({ locationId: b }).accessToken;
    await search(tokenA);
    await search(tokenA);
    expect((await search(tokenA)).status).toBe(429);
    const resB = await search(tokenB, b);
    expect(resB.status).toBe(200);
    expect(rateHeaders(resB).remaining).toBe('1');
  });

  it('shares one budget between two tokens of the same location', async () => {
    await start({ burstLimit: 2 });
    const one = handle.sandbox.issueToken().accessToken;
    const two = handle.sandbox.issueToken({ kind: 'pit' }).accessToken;
    await search(one);
    await search(two);
    expect((await search(one)).status).toBe(429);
  });

  it('applies limits changed at runtime through POST /sandbox/rate-limits', async () => {
    await start({ burstLimit: 100 });
    const res = await fetch(`${handle.url}/sandbox/rate-limits`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ burstLimit: 1 }),
    });
    expect(res.status).toBe(200);
    const { accessToken } = handle.sandbox.issueToken();
    expect((await search(accessToken)).status).toBe(200);
    expect((await search(accessToken)).status).toBe(429);
  });
});

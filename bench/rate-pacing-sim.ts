/**
 * The local rate scheduler on a fake clock against the sandbox's own rate limiter
 * (src/sandbox/highlevel/rate-limiter.ts), with modelled latencies: the share of the burst ceiling
 * that the pacing rules alone reach, whatever else loads the machine (the `rate` scenario's figure
 * moves with CPU contention). Not part of `npm run bench`; run it on two commits to compare rules:
 *
 *   node bin/run-ts.js bench/rate-pacing-sim.ts            # defaults below
 *   SIM_JITTER_MS=50 SIM_THINK_MS=230 SIM_SEED=2 node bin/run-ts.js bench/rate-pacing-sim.ts
 *
 * Each of SIM_CALLERS loops: acquire, send leg (SIM_LEG_MS x 0.5..1.5, plus 0..SIM_JITTER_MS), the
 * server counts the call, return leg (SIM_LEG_MS x 0.5..1.5), observe, then 0..2 x SIM_THINK_MS before
 * the next call. SIM_THINK_MS near callers ÷ ceiling (about 240 ms here) makes demand about the
 * ceiling, where the tail guard matters; far below it every window is spent at its start.
 */

import { createLogger } from '../src/lib/create-logger.js';
import { createRateScheduler } from '../src/ratelimit/create-rate-scheduler.js';
import { createRateLimiter } from '../src/sandbox/highlevel/rate-limiter.js';
import { createFakeClock } from '../test/ratelimit/fake-clock.js';
import { envInt } from './bench-env.js';

const max = envInt('SIM_MAX', 100);
const intervalMs = envInt('SIM_INTERVAL_MS', 500);
const callers = envInt('SIM_CALLERS', 50);
const durationMs = envInt('SIM_DURATION_MS', 30_000);
const legMs = envInt('SIM_LEG_MS', 5, 0);
const jitterMs = envInt('SIM_JITTER_MS', 0, 0);
const thinkMs = envInt('SIM_THINK_MS', 240, 0);
let seed = envInt('SIM_SEED', 1);
/** A fixed linear congruential generator, so one seed is one run on any machine. */
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};

const clock = createFakeClock(Date.UTC(2026, 0, 15, 12));
const server = createRateLimiter({
  now: clock.now,
  limits: () => ({ burstLimit: max, burstIntervalMs: intervalMs, dailyLimit: 1_000_000_000 }),
});
const scheduler = createRateScheduler({
  mode: 'local',
  now: clock.now,
  sleep: clock.sleep,
  logger: createLogger({ level: 'silent' }),
});
const key = { appId: 'app', locationId: 'location' };
let ok = 0;
let rateLimited = 0;
let stop = false;

async function caller(): Promise<void> {
  while (!stop) {
    await scheduler.acquire({ ...key, lane: 'automation' });
    await clock.sleep(Math.round(legMs * (0.5 + random()) + jitterMs * random()));
    const decision = server.consume('location');
    await clock.sleep(Math.round(legMs * (0.5 + random())));
    const h = decision.headers;
    await scheduler.observe({
      ...key,
      status: decision.allowed ? 200 : 429,
      rateLimit: {
        max: Number(h['X-RateLimit-Max']),
        remaining: Number(h['X-RateLimit-Remaining']),
        intervalMs: Number(h['X-RateLimit-Interval-Milliseconds']),
        dailyLimit: Number(h['X-RateLimit-Limit-Daily']),
        dailyRemaining: Number(h['X-RateLimit-Daily-Remaining']),
      },
    });
    if (decision.allowed) ok++;
    else rateLimited++;
    await clock.sleep(Math.round(thinkMs * 2 * random()));
  }
}

const start = clock.now();
for (let i = 0; i < callers; i++) void caller();
while (clock.now() - start < durationMs) await clock.advance(1);
stop = true;
const ceilingShare = ok / ((durationMs / intervalMs) * max);
console.log(JSON.stringify({ ceilingShare: Number(ceilingShare.toFixed(4)), ok, rateLimited }));
process.exit(0);

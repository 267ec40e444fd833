/**
 * Clock skew against HighLevel: the `Date` header of a HighLevel (or sandbox) answer against the
 * local clock. Token expiry is computed locally from `expires_in` and webhooks are refused outside a
 * ±5 min window (docs/highlevel-api.md), so a skewed clock breaks both.
 */
import type { CheckResult } from './check-result.js';
import { ok, warn } from './check-result.js';

/** Above this the margin for expiry and the webhook window start to erode; `Date` has 1 s resolution. */
export const CLOCK_SKEW_WARN_MS = 30_000;

export interface DateSample {
  /** The `Date` header value. */
  date: string;
  /** Local clock when the request was sent and when the answer arrived, epoch ms. */
  sentAt: number;
  receivedAt: number;
}

/** Positive when the local clock is ahead of the server's. Null when the header does not parse. */
export function measureSkew(sample: DateSample): number | null {
  const server = Date.parse(sample.date);
  if (Number.isNaN(server)) return null;
  // The server stamped its Date somewhere between send and receive; the midpoint is the best guess.
  return Math.round((sample.sentAt + sample.receivedAt) / 2 - server);
}

export function clockSkewCheck(sample: DateSample | null, source: string): CheckResult {
  const name = 'clock skew';
  if (sample === null) {
    return warn(
      name,
      `not measured: no answer from ${source}`,
      `make ${source} reachable, then run parley doctor again`,
    );
  }
  const skew = measureSkew(sample);
  if (skew === null) {
    return warn(
      name,
      `not measured: ${source} sent no usable Date header`,
      'check that highlevel.baseUrl points at HighLevel',
    );
  }
  const seconds = Math.round(Math.abs(skew) / 1000);
  const direction = skew > 0 ? 'ahead of' : 'behind';
  if (Math.abs(skew) > CLOCK_SKEW_WARN_MS) {
    return warn(
      name,
      `the local clock is ${seconds} s ${direction} ${source}`,
      'synchronise the clock (NTP, e.g. `timedatectl set-ntp true`): token expiry and the ±5 min webhook window depend on it',
    );
  }
  return ok(name, `within ${seconds} s of ${source}`);
}

/** A bare GET for the `Date` header when no connection answered; no token is sent. */
export async function sampleDate(url: string, fetchImpl: typeof fetch, now: () => number): Promise<DateSample | null> {
  const sentAt = now();
  try {
    const response = await fetchImpl(url, { method: 'GET', signal: AbortSignal.timeout(10_000) });
    await response.body?.cancel();
    // An answer without a Date header is still an answer: measureSkew reports it as unusable.
    return { date: response.headers.get('date') ?? '', sentAt, receivedAt: now() };
  } catch {
    return null;
  }
}

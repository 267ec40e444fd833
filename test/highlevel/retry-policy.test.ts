import { describe, expect, it } from 'vitest';
import { errorFromFetchFailure, errorFromResponse } from '../../src/highlevel/error-factory.js';
import type { HighLevelError } from '../../src/highlevel/errors.js';
import { headersFrom } from '../../src/highlevel/rate-limit-headers.js';
import { BACKOFF_CAP_MS, decideRetry, isRetryable } from '../../src/highlevel/retry-policy.js';

const request = { method: 'GET', url: 'http://h/x', headers: {} };

function answer(status: number, headers: Record<string, string> = {}, body: unknown = {}): HighLevelError {
  const error = errorFromResponse({
    operationId: 'get-conversation',
    status,
    body,
    headers: headersFrom(headers),
    request,
  });
  if (!error) throw new Error(`status ${status} made no error`);
  return error;
}

function networkFailure(code: string): HighLevelError {
  const cause = new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
  return errorFromFetchFailure({ operationId: 'x', cause, request, timedOut: false, timeoutMs: 1 });
}

const safe = { attempt: 1, maxRetries: 3, operationSafety: 'safe' as const, random: () => 1 };
const unsafe = { ...safe, operationSafety: 'unsafe' as const };

describe('decideRetry', () => {
  it('grows the full-jitter ceiling exponentially up to the 30 s cap', () => {
    const ceilings = [1, 2, 3, 4, 8, 20].map((attempt) => {
      const d = decideRetry(answer(500), { ...safe, attempt, maxRetries: 50, random: () => 0.999999 });
      return d.action === 'retry' ? Math.round(d.delayMs / 100) * 100 : -1;
    });
    expect(ceilings).toEqual([500, 1000, 2000, 4000, 30_000, BACKOFF_CAP_MS]);
  });

  it('draws a full-jitter delay from zero', () => {
    const none = decideRetry(answer(500), { ...safe, random: () => 0 });
    expect(none).toEqual({ action: 'retry', delayMs: 0 });
  });

  it('fails once the retries are spent', () => {
    expect(decideRetry(answer(503), { ...safe, attempt: 4 })).toEqual({ action: 'fail', ambiguous: false });
  });

  it('does not count the 401 refresh against the retry budget', () => {
    expect(decideRetry(answer(503), { ...safe, attempt: 4, refreshed: true }).action).toBe('retry');
  });

  it('retries an unsafe call after a refused connection or a DNS failure, which sent nothing', () => {
    expect(decideRetry(networkFailure('ECONNREFUSED'), unsafe).action).toBe('retry');
    expect(decideRetry(networkFailure('ENOTFOUND'), unsafe).action).toBe('retry');
  });

  it('fails an unsafe call as ambiguous after a connection reset, which may have sent it', () => {
    expect(decideRetry(networkFailure('ECONNRESET'), unsafe)).toEqual({ action: 'fail', ambiguous: true });
  });

  it('retries a safe call after a connection reset', () => {
    expect(decideRetry(networkFailure('ECONNRESET'), safe).action).toBe('retry');
  });

  it('never retries cancel_failed or invalid_response', () => {
    const cancel = errorFromResponse({
      operationId: 'cancel-scheduled-message',
      status: 200,
      body: { status: 404, message: 'nope' },
      headers: headersFrom({}),
      request,
    });
    expect(cancel?.code).toBe('cancel_failed');
    expect(decideRetry(cancel as HighLevelError, safe).action).toBe('fail');
    expect(isRetryable(cancel as HighLevelError)).toBe(false);
    expect(isRetryable(answer(500))).toBe(true);
    expect(isRetryable(answer(404))).toBe(false);
  });

  it('maps a 422 to invalid_request with its messages array', () => {
    const unprocessable = answer(422, {}, { statusCode: 422, message: ['a must be set', 'b too long'] });
    expect(unprocessable).toMatchObject({ code: 'invalid_request', messages: ['a must be set', 'b too long'] });
  });

  it('maps another 4xx to invalid_request', () => {
    expect(answer(413).code).toBe('invalid_request');
  });

  it('maps a 5xx to server_error', () => {
    expect(answer(504).code).toBe('server_error');
  });

  it('maps a 403 that names no scope to forbidden without a missing scope', () => {
    expect(answer(403, {}, { message: 'forbidden' })).toMatchObject({ code: 'forbidden', missingScope: null });
  });
});

/**
 * The Accelevents request core: one small loop. Per attempt: build the URL and the auth header for the
 * call's access (reads use `readAuth`, writes `writeAuth`, see auth-presets.ts), send with
 * a timeout, read the answer; then `decideRetry` alone says what happens next.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { type Logger, silentLogger } from '../lib/create-logger.js';
import { fetchWithTimeout } from '../lib/fetch-with-timeout.js';
import { AcceleventsError } from './accelevents-error.js';
import { type AcceleventsAuthPreset, apiKeyProblem, authHeader, isAuthPreset } from './auth-presets.js';
import { errorFromFetchFailure, errorFromResponse } from './error-factory.js';
import { type CallAccess, decideRetry } from './retry-policy.js';

export interface AcceleventsClientOptions {
  /** e.g. https://api.accelevents.com/rest; configurable because the prefix has changed before. */
  baseUrl: string;
  apiKey: string;
  readAuth: AcceleventsAuthPreset;
  writeAuth: AcceleventsAuthPreset;
  fetch?: typeof fetch;
  /** Per attempt, body included. Default 30 s. */
  timeoutMs?: number;
  /** Retries of a read after a network error, timeout, 5xx or 429. Default 3. Writes are never retried. */
  maxRetries?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform [0, 1) for backoff jitter. */
  random?: () => number;
  now?: () => number;
  logger?: Logger;
}

export type QueryValue = string | number | boolean | undefined;

export interface RequestSpec {
  /** Our name for the call, used in errors and logs. */
  operation: string;
  method: 'GET' | 'PUT' | 'POST';
  /** Below the base URL, path segments already encoded. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Decides the auth preset and whether a failure may be retried (not the HTTP method: check-in is a GET that writes). */
  access: CallAccess;
  signal?: AbortSignal;
}

export interface AcceleventsRequester {
  /** The parsed JSON answer (null when empty). */
  send(spec: RequestSpec): Promise<unknown>;
}

function fail(message: string): never {
  throw new TypeError(`createAcceleventsClient: ${message}`);
}

function checkOptions(options: AcceleventsClientOptions): string {
  if (typeof options !== 'object' || options === null) fail('options are required');
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch {
    return fail(`baseUrl must be an absolute http(s) URL, got ${JSON.stringify(options.baseUrl)}`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') fail(`baseUrl must use http or https`);
  const keyProblem = apiKeyProblem(options.apiKey);
  if (keyProblem) fail(`apiKey is unusable: ${keyProblem}`);
  for (const field of ['readAuth', 'writeAuth'] as const) {
    if (!isAuthPreset(options[field])) {
      fail(`${field} must be one of authorization, bearer, key, authentication; got ${JSON.stringify(options[field])}`);
    }
  }
  const { maxRetries = 3, timeoutMs = 30_000 } = options;
  if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 10) {
    fail(`maxRetries must be a whole number from 0 to 10, got ${maxRetries}`);
  }
  if (!(timeoutMs > 0)) fail(`timeoutMs must be > 0, got ${timeoutMs}`);
  return base.toString().replace(/\/+$/, '');
}

function urlOf(baseUrl: string, spec: RequestSpec): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(spec.query ?? {})) {
    if (value !== undefined) params.set(name, String(value));
  }
  const query = params.toString();
  return `${baseUrl}${spec.path}${query ? `?${query}` : ''}`;
}

function parseBody(bytes: Buffer): { ok: true; value: unknown } | { ok: false } {
  const text = bytes.toString('utf8');
  if (text.trim() === '') return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export function createAcceleventsRequester(options: AcceleventsClientOptions): AcceleventsRequester {
  const baseUrl = checkOptions(options);
  const { apiKey, readAuth, writeAuth } = options;
  const maxRetries = options.maxRetries ?? 3;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }));
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger();

  type Outcome = { ok: true; data: unknown } | { ok: false; error: AcceleventsError; requestSent: boolean };

  async function attemptOnce(spec: RequestSpec): Promise<Outcome> {
    const facts = { operation: spec.operation, method: spec.method, path: spec.path, apiKey };
    const [name, value] = authHeader(spec.access === 'write' ? writeAuth : readAuth, apiKey);
    const headers: Record<string, string> = { accept: 'application/json', [name]: value };
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    const fetched = await fetchWithTimeout(
      fetchImpl,
      urlOf(baseUrl, spec),
      { method: spec.method, headers, body: spec.body === undefined ? undefined : JSON.stringify(spec.body) },
      { timeoutMs, signal: spec.signal },
    );
    if (!fetched.ok) {
      return {
        ok: false,
        ...errorFromFetchFailure({ ...facts, cause: fetched.cause, timedOut: fetched.timedOut, timeoutMs }),
      };
    }
    const { response, bytes } = fetched;
    const parsed = parseBody(bytes);
    const body = parsed.ok ? parsed.value : bytes.toString('utf8').slice(0, 300);
    const error = errorFromResponse({ ...facts, status: response.status, body, headers: response.headers, now: now() });
    if (error) return { ok: false, error, requestSent: true };
    if (!parsed.ok) {
      const message = `Accelevents ${spec.operation} answered HTTP ${response.status} with a body that is not JSON`;
      const invalid = new AcceleventsError('invalid_response', message, {
        operation: spec.operation,
        method: spec.method,
        path: spec.path,
        status: response.status,
      });
      return { ok: false, error: invalid, requestSent: true };
    }
    return { ok: true, data: parsed.value };
  }

  return {
    async send(spec) {
      for (let attempt = 1; ; attempt++) {
        spec.signal?.throwIfAborted();
        const started = now();
        const outcome = await attemptOnce(spec);
        // Logged: names, status and codes only; never headers, query strings or bodies (they hold attendee data).
        const fields = { operation: spec.operation, method: spec.method, attempt, durationMs: now() - started };
        if (outcome.ok) {
          logger.debug(fields, 'accelevents call succeeded');
          return outcome.data;
        }
        const { error, requestSent } = outcome;
        const decision = decideRetry(error, { attempt, maxRetries, access: spec.access, random, requestSent });
        logger.warn(
          { ...fields, status: error.status, code: error.code, appCode: error.appCode, next: decision.action },
          'accelevents call failed',
        );
        if (decision.action === 'fail') {
          error.ambiguous = decision.ambiguous;
          throw error;
        }
        await sleep(decision.delayMs, spec.signal);
      }
    },
  };
}

/**
 * The HighLevel request core: one small hand-written loop over the generated operation catalog, in
 * the manner of https://github.com/svix/svix-webhooks/blob/main/javascript/src/request.ts. Per
 * attempt: wait for the rate scheduler, get a token, send with a timeout, read the answer, report it;
 * then `decideRetry` alone says what happens next.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { silentLogger } from '../lib/create-logger.js';
import { fetchWithTimeout } from '../lib/fetch-with-timeout.js';
import { buildHeaders, prepareCall } from './build-request.js';
import type { CallInput, CallResult, HighLevelCaller, HighLevelClientOptions, UploadFile } from './client-types.js';
import { type ContactsApi, createContactsApi } from './contacts-api.js';
import { type ConversationsApi, createConversationsApi } from './conversations-api.js';
import { errorFromFetchFailure, errorFromResponse } from './error-factory.js';
import { type HighLevelError, HighLevelInvalidResponseError } from './errors.js';
import { findOperation } from './operation-catalog.js';
import type { OperationDescriptor } from './operation-descriptor.js';
import { parseRateLimitHeaders, type RateLimitInfo } from './rate-limit-headers.js';
import { parseLenient, readSuccessBody } from './read-response.js';
import { decideRetry, operationSafetyOf } from './retry-policy.js';

export const DEFAULT_BASE_URL = 'https://services.leadconnectorhq.com';

export interface HighLevelClient extends HighLevelCaller {
  conversations: ConversationsApi;
  contacts: ContactsApi;
}

type AttemptOutcome =
  | { ok: true; result: CallResult<unknown> }
  | { ok: false; error: HighLevelError; status: number | null; rateLimit: RateLimitInfo | null };

export function createHighLevelClient(options: HighLevelClientOptions): HighLevelClient {
  if (typeof options?.auth?.getAccessToken !== 'function') {
    throw new TypeError(
      'createHighLevelClient: options.auth.getAccessToken({ locationId, operationId, forceRefresh }) is required; the client never calls HighLevel without a token provider',
    );
  }
  const maxRetries = options.maxRetries ?? 3;
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new TypeError(`createHighLevelClient: maxRetries must be a whole number >= 0, got ${maxRetries}`);
  }
  if (!(timeoutMs > 0)) throw new TypeError(`createHighLevelClient: timeoutMs must be > 0, got ${timeoutMs}`);

  const auth = options.auth;
  const baseUrl = options.baseUrl ?? DEFAULT_BASE_URL;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }));
  const random = options.random ?? Math.random;
  const logger = options.logger ?? silentLogger();

  async function attemptOnce(
    op: OperationDescriptor,
    prepared: ReturnType<typeof prepareCall>,
    token: string,
    signal: AbortSignal | undefined,
  ): Promise<AttemptOutcome> {
    const { payload, contentType } = prepared.body();
    const headers = buildHeaders(op, token, contentType);
    const requestCopy = () => ({ method: prepared.method, url: prepared.url, headers });
    const fetched = await fetchWithTimeout(
      fetchImpl,
      prepared.url,
      { method: prepared.method, headers, body: payload },
      { timeoutMs, signal },
    );
    if (!fetched.ok) {
      const error = errorFromFetchFailure({
        operationId: op.operationId,
        cause: fetched.cause,
        request: requestCopy(),
        timedOut: fetched.timedOut,
        timeoutMs,
      });
      return { ok: false, error, status: null, rateLimit: null };
    }
    const { response, bytes } = fetched;

    const status = response.status;
    const rateLimit = parseRateLimitHeaders(response.headers);
    const facts = () => ({
      operationId: op.operationId,
      status,
      headers: response.headers,
      request: requestCopy(),
      secrets: [token],
    });
    if (status < 200 || status >= 300) {
      const error = errorFromResponse({ ...facts(), body: parseLenient(bytes) });
      if (error) return { ok: false, error, status, rateLimit };
    }
    const read = readSuccessBody(op, bytes, response.headers);
    if (!read.ok) {
      const message = `HighLevel ${op.operationId} answered HTTP ${status} with an unreadable body: ${read.problem}`;
      const error = new HighLevelInvalidResponseError(message, {
        operationId: op.operationId,
        status,
        rateLimit,
        request: requestCopy(),
      });
      return { ok: false, error, status, rateLimit };
    }
    // A 2xx can still be a failure (cancel-schedule answers 200 with body status 404), and
    // errorFromResponse only ever finds one in a body whose numeric `status` is >= 400 (error-factory.ts).
    if (status < 300 && mayCarryFailureStatus(read.data)) {
      const error = errorFromResponse({ ...facts(), body: read.data });
      if (error) return { ok: false, error, status, rateLimit };
    }
    return { ok: true, result: successResult(status, read, rateLimit, response.headers) };
  }

  async function request<T = unknown>(op: OperationDescriptor, input: CallInput = {}): Promise<CallResult<T>> {
    const prepared = prepareCall(op, input, baseUrl);
    const { operationId } = op;
    const locationId = prepared.locationId;
    const operationSafety = operationSafetyOf(operationId);
    const lane = input.lane ?? 'automation';
    const signal = input.signal;
    let refreshed = false;
    let forceRefresh = false;

    for (let attempt = 1; ; attempt++) {
      input.signal?.throwIfAborted();
      await options.beforeAttempt?.({ operationId, locationId, attempt, lane, ...(signal ? { signal } : {}) });
      // Token provider failures (vault, refresh) are their own boundary's errors and propagate as they are.
      const token = await auth.getAccessToken({ locationId, operationId, forceRefresh });
      forceRefresh = false;
      const started = now();
      const outcome = await attemptOnce(op, prepared, token, input.signal);
      const durationMs = now() - started;
      const logFields = { operationId, locationId, attempt, durationMs };

      if (outcome.ok) {
        const { status, rateLimit } = outcome.result;
        await options.afterAttempt?.({ operationId, locationId, attempt, lane, status, rateLimit, durationMs });
        if (logger.isLevelEnabled('debug')) logger.debug({ ...logFields, status }, 'highlevel call succeeded');
        return outcome.result as CallResult<T>;
      }

      const { error, status, rateLimit } = outcome;
      await options.afterAttempt?.({ operationId, locationId, attempt, lane, status, rateLimit, durationMs, error });
      const decision = decideRetry(error, { attempt, maxRetries, operationSafety, random, refreshed });
      logger.warn({ ...logFields, status, code: error.code, next: decision.action }, 'highlevel call failed');
      if (decision.action === 'refresh') {
        refreshed = true;
        forceRefresh = true;
      } else if (decision.action === 'retry') {
        await sleep(decision.delayMs, input.signal);
      } else {
        error.ambiguous = decision.ambiguous;
        throw error;
      }
    }
  }

  const caller: HighLevelCaller = {
    call: async <T>(operationId: string, input?: CallInput) => request<T>(findOperation(operationId), input),
    request,
  };
  return { ...caller, conversations: createConversationsApi(caller), contacts: createContactsApi(caller) };
}

function mayCarryFailureStatus(data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return false;
  const status = (data as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400;
}

/** `headers` as a plain record is built on first read: most callers never look, and copying them all is not free. */
function successResult(
  status: number,
  read: { data: unknown; download?: CallResult<unknown>['download'] },
  rateLimit: RateLimitInfo,
  responseHeaders: Headers,
): CallResult<unknown> {
  let headers: Record<string, string> | undefined;
  const result: CallResult<unknown> = {
    status,
    data: read.data,
    rateLimit,
    get headers() {
      headers ??= Object.fromEntries(responseHeaders);
      return headers;
    },
  };
  if (read.download) result.download = read.download;
  return result;
}

export type { CallInput, CallResult, HighLevelClientOptions, UploadFile };

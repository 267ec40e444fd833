/** Public types of the HighLevel request core (client.ts). */
import type { Logger } from 'pino';
import type { PriorityLane } from '../lib/priority-lanes.js';
import type { HighLevelError } from './errors.js';
import type { OperationDescriptor } from './operation-descriptor.js';
import type { RateLimitInfo } from './rate-limit-headers.js';

export interface AccessTokenRequest {
  /** The sub-account the call acts for; HighLevel tokens are per location. */
  locationId: string | null;
  operationId: string;
  /** True right after HighLevel answered 401: the cached token must not be reused. */
  forceRefresh: boolean;
}

export interface HighLevelAuth {
  getAccessToken(request: AccessTokenRequest): Promise<string>;
}

export interface UploadFile {
  /** File name sent in the multipart part. */
  name: string;
  data: Uint8Array | Blob;
  contentType?: string;
}

export interface CallInput {
  /** Path parameters by name, e.g. `{ conversationId: 'abc' }`; URL-encoded when sent. */
  path?: Record<string, unknown>;
  /** Query parameters; arrays become repeated parameters, undefined and null are dropped. */
  query?: Record<string, unknown>;
  /** JSON body, or the text fields of a multipart upload. */
  body?: unknown;
  /** Files for `upload-file-attachments`, sent under the multipart key `fileAttachment`. */
  files?: readonly UploadFile[];
  /** The location whose token to use; defaults to the path, query or body `locationId`. */
  locationId?: string;
  /** The rate scheduler's priority lane for this call (PRIORITY in src/queue/types.ts). Default `'automation'`. */
  lane?: PriorityLane;
  signal?: AbortSignal;
}

/** Content type and file name of a binary or text download (from Content-Type and Content-Disposition). */
export interface DownloadInfo {
  contentType: string | null;
  filename: string | null;
}

export interface CallResult<T = unknown> {
  status: number;
  /** Parsed JSON (normalised), a `Buffer` for binary downloads, a string for text downloads. */
  data: T;
  rateLimit: RateLimitInfo;
  headers: Record<string, string>;
  /** Present on binary and text downloads. */
  download?: DownloadInfo;
}

export interface BeforeAttemptInfo {
  operationId: string;
  locationId: string | null;
  attempt: number;
  /** From `CallInput.lane`; `'automation'` when the caller named none. */
  lane: PriorityLane;
  /** The caller's signal, so a wait for a rate slot can be abandoned with the call. */
  signal?: AbortSignal;
}

export interface AfterAttemptInfo extends BeforeAttemptInfo {
  /** HTTP status, or null when no response arrived. */
  status: number | null;
  rateLimit: RateLimitInfo | null;
  durationMs: number;
  error?: HighLevelError;
}

export interface HighLevelClientOptions {
  auth: HighLevelAuth;
  /** Defaults to https://services.leadconnectorhq.com, the `servers` URL of specs/highlevel. */
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
  /** Waits between retries; must reject when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Retries after the first attempt (a token refresh after 401 does not count). Default 3. */
  maxRetries?: number;
  /**
   * Per attempt, including reading the body. Default 30 000 ms, as the official SDK
   * (https://github.com/GoHighLevel/highlevel-api-sdk).
   */
  timeoutMs?: number;
  logger?: Logger;
  /** Called before every attempt; the rate scheduler waits for a slot here. */
  beforeAttempt?: (info: BeforeAttemptInfo) => Promise<void>;
  /** Called after every attempt, success or not; the audit log records it here. Errors it throws propagate. */
  afterAttempt?: (info: AfterAttemptInfo) => void | Promise<void>;
}

export interface HighLevelCaller {
  /** Calls any known operation by its operationId (the 29 conversations operations, upsert-contact, get-contact). */
  call<T = unknown>(operationId: string, input?: CallInput): Promise<CallResult<T>>;
  /** Calls an operation described by the caller (same retries, auth and parsing). */
  request<T = unknown>(operation: OperationDescriptor, input?: CallInput): Promise<CallResult<T>>;
}

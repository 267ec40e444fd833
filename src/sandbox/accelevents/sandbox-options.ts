/**
 * The Accelevents sandbox's options, defaults and checks. Bad values are rejected with a message naming
 * the option (SandboxError 'invalid_option', shared with the HighLevel sandbox).
 */
import type { AcceleventsAuthPreset } from '../../accelevents/auth-presets.js';
import { AUTH_PRESETS, isAuthPreset } from '../../accelevents/auth-presets.js';
import type { Logger } from '../../lib/create-logger.js';
import { SandboxError } from '../highlevel/sandbox-errors.js';
import type { PayloadShape, PayloadShapeName } from './webhook-payloads.js';

export type AttendeesArrayKey = 'attendees' | 'data' | 'content';

export interface AcceleventsSandboxOptions {
  port?: number;
  host?: string;
  /** The key the sandbox accepts. Default: a fixed, non-secret sandbox key, so stored connections survive restarts. */
  apiKey?: string;
  /** Header presets accepted on reads. Default: all four (which one production wants is not settled). */
  readAuth?: AcceleventsAuthPreset | AcceleventsAuthPreset[];
  /** Header presets accepted on writes. Default: all but `bearer`, the one production reportedly refuses on PUT. */
  writeAuth?: AcceleventsAuthPreset | AcceleventsAuthPreset[];
  /** Clock, epoch ms: session times are laid out around it, purchase and check-in times come from it. */
  now?: () => number;
  /** Where webhooks go; none by default (deliveries are then recorded as skipped). */
  webhookUrl?: string;
  /** A preset name or a function from the event's facts to the JSON body. Default 'flat'. */
  payloadShape?: PayloadShapeName | PayloadShape;
  /** The key the attendee list puts its array under (unconfirmed in production). Default 'attendees'. */
  attendeesArrayKey?: AttendeesArrayKey;
  /**
   * Whether GET /host/session/{id}/attendee exists. Default true; false answers 404 there, as an account
   * without per-session attendance might (reference pages do not say which accounts have it).
   */
  sessionAttendance?: boolean;
  /** Sample attendees seeded per sample event. Default 10. */
  attendees?: number;
  /** Used to deliver webhooks. */
  fetch?: typeof fetch;
  /** Draws the random block new ids come from (sandbox-ids.ts). Default crypto.randomInt. */
  randomInt?: (min: number, max: number) => number;
  logger?: Logger;
}

/** Not a secret: it opens sample data only, like the HighLevel sandbox's fixed client secret. */
export const DEFAULT_SANDBOX_API_KEY = 'sbx-accelevents-key-0001';
/** Next to the HighLevel sandbox's 4010. */
export const DEFAULT_ACCELEVENTS_SANDBOX_PORT = 4011;
export const DEFAULT_READ_AUTH: AcceleventsAuthPreset[] = [...AUTH_PRESETS];
export const DEFAULT_WRITE_AUTH: AcceleventsAuthPreset[] = AUTH_PRESETS.filter((p) => p !== 'bearer');

function fail(message: string): never {
  throw new SandboxError('invalid_option', message);
}

export function checkPresets(name: string, value: unknown, fallback: AcceleventsAuthPreset[]): AcceleventsAuthPreset[] {
  if (value === undefined) return [...fallback];
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every(isAuthPreset)) {
    fail(`${name} must be one or more of ${AUTH_PRESETS.join(', ')}; got ${JSON.stringify(value)}`);
  }
  return [...new Set(list)];
}

export function checkWebhookUrl(url: unknown): string | undefined {
  if (url === undefined || url === null) return undefined;
  try {
    const parsed = new URL(String(url));
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return parsed.toString();
  } catch {}
  return fail(`webhookUrl must be an absolute http(s) URL, got ${JSON.stringify(url)}`);
}

export function checkArrayKey(value: unknown): AttendeesArrayKey {
  if (value === undefined) return 'attendees';
  if (value === 'attendees' || value === 'data' || value === 'content') return value;
  return fail(`attendeesArrayKey must be attendees, data or content; got ${JSON.stringify(value)}`);
}

export function checkFlag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(`${name} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

export function checkOptions(options: AcceleventsSandboxOptions): void {
  if (options.apiKey !== undefined && !/^[\x21-\x7e]{8,}$/.test(options.apiKey)) {
    fail('apiKey must be at least 8 visible ASCII characters without spaces');
  }
  if (
    options.attendees !== undefined &&
    (!Number.isInteger(options.attendees) || options.attendees < 0 || options.attendees > 10_000)
  ) {
    fail(`attendees must be a whole number from 0 to 10000, got ${options.attendees}`);
  }
  if (options.port !== undefined && (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535)) {
    fail(`port must be a whole number from 0 to 65535, got ${options.port}`);
  }
}

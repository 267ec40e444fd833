/**
 * Contract tests for authentication and scopes on every Conversations operation: the sandbox answers
 * 401 in the spec's UnauthorizedDTO shape without a token and 403 naming the missing scope with a token
 * that lacks it, and both carry the five X-RateLimit headers
 * (https://marketplace.gohighlevel.com/docs/other/rate-limits).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONVERSATION_OPERATIONS } from '../../src/highlevel/generated/operations.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { schemaValidator } from '../helpers/spec-validator.js';

const RATE_LIMIT_HEADERS = [
  'x-ratelimit-limit-daily',
  'x-ratelimit-daily-remaining',
  'x-ratelimit-interval-milliseconds',
  'x-ratelimit-max',
  'x-ratelimit-remaining',
];

function urlFor(base: string, op: (typeof CONVERSATION_OPERATIONS)[number], locationId: string): string {
  const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
    name === 'locationId' ? locationId : 'unknown0000000000000',
  );
  const query = new URLSearchParams();
  for (const q of op.queryParams) if (q.required) query.set(q.name, q.name === 'locationId' ? locationId : 'x');
  return `${base}${path}${query.size ? `?${query}` : ''}`;
}

describe('contract: authentication and scopes on all 29 operations', () => {
  let handle: SandboxHandle;
  beforeAll(async () => {
    handle = await withSandbox({ attendees: 1 });
  });
  afterAll(async () => handle?.close());

  for (const op of CONVERSATION_OPERATIONS) {
    it(`${op.operationId} answers 401 UnauthorizedDTO with rate-limit headers when no token is sent`, async () => {
      const res = await fetch(urlFor(handle.url, op, handle.sandbox.defaultLocationId), {
        method: op.method,
        headers: { Version: '2021-04-15' },
      });
      expect(res.status).toBe(401);
      const body = (await res.json()) as { statusCode?: number; message: string };
      expect(schemaValidator('UnauthorizedDTO')(body)).toBe(true);
      expect(body.statusCode).toBe(401);
      for (const h of RATE_LIMIT_HEADERS) expect(res.headers.get(h), h).toMatch(/^\d+$/);
    });

    it(`${op.operationId} answers 403 naming ${op.scopes.join(' or ')} for a token without it`, async () => {
      const allScopes: string[] = [...new Set(CONVERSATION_OPERATIONS.flatMap((o) => o.scopes))];
      const { accessToken } = handle.sandbox.issueToken({
        scopes: allScopes.filter((s) => !(op.scopes as readonly string[]).includes(s)),
      });
      const res = await fetch(urlFor(handle.url, op, handle.sandbox.defaultLocationId), {
        method: op.method,
        headers: { Version: '2021-04-15', Authorization: `Bearer ${accessToken}` },
      });
      expect(res.status).toBe(403);
      const body = (await res.json()) as { statusCode?: number; message: string };
      expect(body.message).toContain(op.scopes[0]);
      for (const h of RATE_LIMIT_HEADERS) expect(res.headers.get(h), h).toMatch(/^\d+$/);
    });
  }
});

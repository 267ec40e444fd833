/**
 * A real HighLevel client against the sandbox with the rate scheduler's hooks plugged in, plus a
 * record of every attempt's answer, so tests can count 429s and server windows from the headers.
 */
import {
  createHighLevelClient,
  type HighLevelClient,
  type HighLevelClientOptions,
} from '../../src/highlevel/client.js';
import type { AfterAttemptInfo } from '../../src/highlevel/client-types.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { composeAttemptHooks, type PartialAttemptHooks } from '../../src/ratelimit/compose-attempt-hooks.js';
import type { createRateScheduler } from '../../src/ratelimit/create-rate-scheduler.js';
import { rateLimitedHooks } from '../../src/ratelimit/rate-limited-hooks.js';
import type { SandboxHandle } from '../helpers/sandbox.js';

export interface PacedClient {
  client: HighLevelClient;
  attempts: AfterAttemptInfo[];
}

export function pacedClient(
  handle: SandboxHandle,
  scheduler: ReturnType<typeof createRateScheduler> | null,
  extraHooks: PartialAttemptHooks = {},
  clientOptions: Partial<HighLevelClientOptions> = {},
): PacedClient {
  const tokens = new Map<string, string>();
  const attempts: AfterAttemptInfo[] = [];
  const hooks = composeAttemptHooks(
    scheduler ? rateLimitedHooks(scheduler, { appId: handle.sandbox.appId }) : {},
    { afterAttempt: (info) => void attempts.push(info) },
    extraHooks,
  );
  const client = createHighLevelClient({
    baseUrl: handle.url,
    auth: {
      getAccessToken: async ({ locationId }) => {
        const id = locationId ?? handle.sandbox.defaultLocationId;
        let token = tokens.get(id);
        if (!token) {
          token = handle.sandbox.issueToken({ locationId: id }).accessToken;
          tokens.set(id, token);
        }
        return token;
      },
    },
    logger: createLogger({ level: 'silent' }),
    ...clientOptions,
    ...hooks,
  });
  return { client, attempts };
}

/** A cheap location-scoped read (search-conversation needs `locationId`, so the client paces it per location). */
export function search(paced: PacedClient, locationId: string) {
  return paced.client.conversations.searchConversations({ locationId, limit: 1 });
}

/** Server windows the answers reveal: the answer with `remaining = max - 1` was the first of its window. */
export function windowsOpened(attempts: AfterAttemptInfo[], locationId?: string): number {
  return attempts.filter(
    (a) =>
      (locationId === undefined || a.locationId === locationId) &&
      a.status === 200 &&
      a.rateLimit?.max != null &&
      a.rateLimit.remaining === a.rateLimit.max - 1,
  ).length;
}

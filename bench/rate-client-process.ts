/**
 * Child process for the rate-limit scenario: one client (parley, the official SDK, or naive) runs
 * `flows` welcome flows against its own sandbox location with `concurrency` flows in flight, then
 * reports what it saw. Each client has its own process so none shares an event loop with another.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { HighLevel } from '@gohighlevel/api-client';
import { benchInput, reportToParent } from './child-process.js';
import { createParleyFlowRunner } from './parley-flow.js';
import {
  BENCH_EVENT,
  type BenchAttendee,
  benchAttendee,
  plainCaller,
  plainWelcomeFlow,
  runPool,
} from './welcome-flow.js';

export type RateClientKind = 'parley' | 'sdk' | 'naive';

export interface RateClientInput {
  kind: RateClientKind;
  url: string;
  locationId: string;
  token: string;
  appId: string;
  flows: number;
  concurrency: number;
}

export interface RateClientResult {
  kind: RateClientKind;
  completed: number;
  failed: number;
  wallMs: number;
  /** 429s this client saw itself (the sandbox's own count is read by the parent). */
  clientSeen429: number;
  firstError: string | null;
  source: string;
  rssMb: number;
}

const input = benchInput<RateClientInput>();
let firstError: string | null = null;
const noteError = (error: unknown) => {
  firstError ??= error instanceof Error ? error.message : String(error);
};

async function flowFor(kind: RateClientKind): Promise<{
  flow: (person: BenchAttendee) => Promise<void>;
  seen429: () => number;
  source: string;
  close: () => Promise<void>;
}> {
  if (kind === 'parley') {
    const runner = await createParleyFlowRunner({
      baseUrl: input.url,
      token: input.token,
      appId: input.appId,
      locationId: input.locationId,
    });
    return {
      flow: (person) => runner.run(person),
      seen429: () => runner.counts.rateLimited,
      source: `runWorkflow(${runner.source}) + createRateScheduler`,
      close: () => runner.close(),
    };
  }
  if (kind === 'naive') {
    let seen = 0;
    const call = plainCaller(input.url, input.token);
    // Retry-on-429 after a fixed 1 s, forever; anything else fails the flow.
    const naive = async (method: string, path: string, body?: unknown): Promise<any> => {
      for (;;) {
        try {
          return await call(method, path, body);
        } catch (error) {
          if ((error as { status?: number }).status !== 429) throw error;
          seen++;
          await sleep(1_000);
        }
      }
    };
    return {
      flow: (person) => plainWelcomeFlow(naive, input.locationId, person),
      seen429: () => seen,
      source: 'plain fetch, fixed 1 s sleep on 429',
      close: async () => {},
    };
  }
  // The SDK has no base-URL option: HighLevel.BASE_URL is a static it reads when it builds its axios client.
  (HighLevel as unknown as { BASE_URL: string }).BASE_URL = input.url;
  const sdk = new HighLevel({ privateIntegrationToken: input.token, rateLimitRetry: true, logLevel: 'none' });
  let seen = 0;
  (
    sdk as unknown as {
      httpClient: {
        interceptors: {
          response: {
            use: (ok: (r: unknown) => unknown, fail: (e: { response?: { status?: number } }) => unknown) => void;
          };
        };
      };
    }
  ).httpClient.interceptors.response.use(
    (r: unknown) => r,
    (error: { response?: { status?: number } }) => {
      if (error.response?.status === 429) seen++;
      return Promise.reject(error);
    },
  );
  const locationId = input.locationId;
  const v0415 = { headers: { Version: '2021-04-15' } };
  return {
    async flow(person) {
      const upserted = await sdk.contacts.upsertContact({
        locationId,
        email: person.email,
        phone: person.phone,
        firstName: person.firstName,
        lastName: person.lastName,
      });
      const contactId = upserted.contact?.id as string;
      // The SDK sends its one apiVersion (2021-07-28) everywhere; Conversations wants 2021-04-15 (specs/highlevel).
      const found = await sdk.conversations.searchConversation({ locationId, contactId, limit: 1 } as never, v0415);
      let conversationId = (found as { conversations?: { id: string }[] }).conversations?.[0]?.id;
      if (!conversationId) {
        const created = await sdk.conversations.createConversation({ locationId, contactId }, v0415);
        conversationId = (created as { conversation: { id: string } }).conversation.id;
      }
      await sdk.conversations.getConversation({ conversationId }, v0415);
      await sdk.conversations.sendANewMessage(
        {
          type: 'SMS',
          subType: 'SMS',
          status: 'pending',
          contactId,
          conversationId,
          message: `Hi ${person.firstName}, thanks for registering for ${BENCH_EVENT.name}!`,
        } as never,
        v0415,
      );
    },
    seen429: () => seen,
    source: '@gohighlevel/api-client with rateLimitRetry: true (defaults: 3 retries, wait = burst interval)',
    close: async () => {},
  };
}

const client = await flowFor(input.kind);
const start = performance.now();
const completed = await runPool(
  input.flows,
  input.concurrency,
  (i) => client.flow(benchAttendee(input.kind, i)),
  noteError,
);
const wallMs = performance.now() - start;
await client.close();
const result: RateClientResult = {
  kind: input.kind,
  completed,
  failed: input.flows - completed,
  wallMs,
  clientSeen429: client.seen429(),
  firstError,
  source: client.source,
  rssMb: process.memoryUsage().rss / 1024 / 1024,
};
reportToParent(result);

/**
 * What the pipeline tests share: a real HighLevel sandbox, parley's Fastify app with the Accelevents
 * intake route on a real port, and the composed pipeline (queue, scheduler, audited client, handlers,
 * worker) on a real store. Webhook bodies come from the Accelevents sandbox's own `flat` preset.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { type ComposedJobs, composeJobs } from '../../src/app/compose-jobs.js';
import { loadEnabledWorkflows } from '../../src/features/enabled-workflows.js';
import { registerAcceleventsWebhookRoute } from '../../src/intake/accelevents-webhook-route.js';
import { createAcceleventsWebhookSecret } from '../../src/intake/webhook-secret.js';
import { createLocationResolver } from '../../src/jobs/location-resolver.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { PAYLOAD_SHAPES, type WebhookFacts } from '../../src/sandbox/accelevents/webhook-payloads.js';
import type { Store } from '../../src/store/open-database.js';
import type { SandboxHandle } from '../helpers/sandbox.js';

export const silent = createLogger({ level: 'silent' });
export const EVENT_URL = 'devconf-2026';
export const EVENT_NAME = 'DevConf 2026';

export interface PipelineWorld {
  pipeline: ComposedJobs;
  app: FastifyInstance;
  /** http://127.0.0.1:<port>/hooks/accelevents/<secret> */
  hookUrl: string;
  locationId: string;
  close(): Promise<void>;
}

export async function startPipelineWorld(
  store: Store,
  handle: SandboxHandle,
  options: {
    features?: Parameters<typeof loadEnabledWorkflows>[0]['features'];
    concurrency?: number;
    /** The `marketplace` feature: events plan HighLevel workflow trigger firings. */
    marketplace?: boolean;
    /** The HighLevel client's own retries of a failed call (default 3). */
    clientRetries?: number;
  } = {},
): Promise<PipelineWorld> {
  const locationId = handle.sandbox.addLocation({ attendees: 1 }).location.id;
  const token = handle.sandbox.issueToken({ locationId }).accessToken;
  const workflows = await loadEnabledWorkflows({ features: options.features ?? ['registration-welcome'] });
  const pipeline = composeJobs({
    store,
    auth: { getAccessToken: async () => token },
    baseUrl: handle.url,
    appId: handle.sandbox.appId,
    workflows,
    locations: createLocationResolver({ defaultLocationId: locationId }),
    eventNames: { [EVENT_URL]: EVENT_NAME },
    logger: silent,
    concurrency: options.concurrency ?? 16,
    pollMs: 20,
    backoff: { baseMs: 50, capMs: 500 },
    client: { timeoutMs: 2_000, ...(options.clientRetries !== undefined ? { maxRetries: options.clientRetries } : {}) },
    ...(options.marketplace ? { marketplace: { targetAuth: 'bearer' as const } } : {}),
  });
  const app = Fastify({ logger: false });
  await registerAcceleventsWebhookRoute(app, { db: store.db, queue: pipeline.queue, logger: silent });
  const secret = await createAcceleventsWebhookSecret(store.db);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  pipeline.start();
  return {
    pipeline,
    app,
    hookUrl: `${base}/hooks/accelevents/${secret}`,
    locationId,
    close: async () => {
      await pipeline.stop({ graceMs: 1_000 });
      await app.close();
    },
  };
}

/** A registration as the Accelevents sandbox would deliver it; every third attendee has no phone (Email). */
export function registrationBody(n: number, runTag: string): string {
  const facts: WebhookFacts = {
    topic: 'attendee.registered',
    occurredAt: 1_760_000_000_000 + n,
    event: { eventId: 42, eventUrl: EVENT_URL, eventName: EVENT_NAME },
    order: {
      orderId: 10_000 + n,
      purchaseDate: '2026-01-01T10:00:00Z',
      totalAmount: 0,
      purchaser: { firstName: `Ada${n}`, lastName: 'Lovelace', email: `ada.${runTag}.${n}@example.com` },
    },
    attendee: {
      barcode: `${runTag}-${n}`,
      eventTicketingId: 50_000 + n,
      userId: 90_000 + n,
      firstName: `Ada${n}`,
      lastName: 'Lovelace',
      email: `ada.${runTag}.${n}@example.com`,
      phoneNumber: n % 3 === 0 ? null : `+1555${String(n).padStart(7, '0')}`,
      ticketType: 'General Admission',
      ticketStatus: 'BOOKED',
    },
  };
  return JSON.stringify(PAYLOAD_SHAPES.flat(facts));
}

export async function post(url: string, body: string): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await res.arrayBuffer();
  return res.status;
}

/** Posts with at most `parallel` requests in flight; returns the statuses in order. */
export async function postAll(url: string, bodies: string[], parallel = 32): Promise<number[]> {
  const statuses: number[] = new Array(bodies.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < bodies.length) {
        const i = next++;
        statuses[i] = await post(url, bodies[i]!);
      }
    }),
  );
  return statuses;
}

/** Polls until the queue has nothing pending or running (a bound, not a timing assertion). */
export async function drained(pipeline: ComposedJobs, boundMs = 60_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const counts = await pipeline.queue.counts();
    if (counts.pending === 0 && counts.running === 0) return;
    if (Date.now() > deadline) throw new Error(`queue not drained: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

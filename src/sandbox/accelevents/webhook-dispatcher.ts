/**
 * Posts webhook bodies to the configured URL, once each: Accelevents documents no retries, timeouts or
 * ordering (docs/accelevents-assumptions.md), so the sandbox promises none. Every delivery is logged in
 * `deliveries` (like the HighLevel sandbox's) and `flush()` waits for the ones in flight.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../lib/create-logger.js';
import type { AcceleventsWebhookTopic } from './webhook-payloads.js';

/** Nothing documented; 10 s keeps a stuck receiver from holding a delivery forever. */
const DELIVERY_TIMEOUT_MS = 10_000;
const MAX_LOGGED_DELIVERIES = 10_000;

export interface AcceleventsWebhookDelivery {
  id: string;
  topic: AcceleventsWebhookTopic;
  eventUrl: string;
  /** The holder the delivery is about; for a whole-order delivery, the order's first holder. */
  barcode: string;
  /** Every holder the delivery names (one, or each holder of a whole order). */
  barcodes: string[];
  url: string | null;
  /** `skipped`: no webhook URL configured. */
  outcome: 'pending' | 'delivered' | 'failed' | 'skipped';
  status: number | null;
  error: string | null;
  /** The exact JSON body sent. */
  body: string;
  at: number;
}

export interface WebhookDispatcherOptions {
  url: () => string | undefined;
  fetch: typeof fetch;
  now: () => number;
  logger: Logger;
}

export interface AcceleventsWebhookDispatcher {
  send(
    topic: AcceleventsWebhookTopic,
    subject: { eventUrl: string; barcodes: string[] },
    payload: unknown,
  ): AcceleventsWebhookDelivery;
  readonly deliveries: AcceleventsWebhookDelivery[];
  flush(): Promise<void>;
}

export function createWebhookDispatcher(options: WebhookDispatcherOptions): AcceleventsWebhookDispatcher {
  const deliveries: AcceleventsWebhookDelivery[] = [];
  const inflight = new Set<Promise<void>>();

  async function deliver(delivery: AcceleventsWebhookDelivery, url: string): Promise<void> {
    try {
      const res = await options.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: delivery.body,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await res.body?.cancel();
      delivery.status = res.status;
      delivery.outcome = res.ok ? 'delivered' : 'failed';
    } catch (error) {
      delivery.outcome = 'failed';
      delivery.error = error instanceof Error ? error.message : String(error);
    }
    if (delivery.outcome === 'failed') {
      options.logger.warn(
        { deliveryId: delivery.id, topic: delivery.topic, status: delivery.status },
        'accelevents sandbox webhook delivery failed',
      );
    }
  }

  return {
    deliveries,
    send(topic, subject, payload) {
      const url = options.url() ?? null;
      const delivery: AcceleventsWebhookDelivery = {
        id: randomUUID(),
        topic,
        eventUrl: subject.eventUrl,
        barcode: subject.barcodes[0] ?? '',
        barcodes: [...subject.barcodes],
        url,
        outcome: url ? 'pending' : 'skipped',
        status: null,
        error: null,
        body: JSON.stringify(payload),
        at: options.now(),
      };
      deliveries.push(delivery);
      if (deliveries.length > MAX_LOGGED_DELIVERIES) deliveries.shift();
      if (url) {
        const running = deliver(delivery, url).finally(() => inflight.delete(running));
        inflight.add(running);
      }
      return delivery;
    },
    async flush() {
      while (inflight.size > 0) await Promise.all([...inflight]);
    },
  };
}

/**
 * Delivers the domain's events to the configured webhook URL the way HighLevel does
 * (https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide): a JSON body with
 * `webhookId`, `timestamp` and `appId`, signed with `x-ghl-signature` (Ed25519) and `x-wh-signature`
 * (RSA) over the exact bytes sent.
 *
 * Retry policy (https://help.gohighlevel.com/support/solutions/articles/155000007071-automated-webhook-retries):
 * only a 429 answer is retried, up to six more times, about every 10 minutes (`retryIntervalMs`);
 * HighLevel adds random jitter, the sandbox does not, so tests stay deterministic.
 * Any other answer, or no answer at all, is final.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../lib/create-logger.js';
import type { SandboxWebhookEvent } from './types.js';
import type { WebhookSigner } from './webhook-signer.js';

export const MAX_WEBHOOK_RETRIES = 6;
/** HighLevel documents no delivery timeout; 10 s keeps a stuck receiver from holding a delivery forever. */
const DELIVERY_TIMEOUT_MS = 10_000;
/** The log is for inspection; a long-running sandbox keeps only the most recent deliveries. */
const MAX_LOGGED_DELIVERIES = 10_000;

export interface WebhookAttempt {
  at: number;
  status?: number;
  error?: string;
}

export interface WebhookDelivery {
  webhookId: string;
  type: string;
  locationId: string;
  url: string | null;
  /** `skipped`: no webhook URL configured. `abandoned`: the sandbox closed while a retry was waiting. */
  outcome: 'pending' | 'delivered' | 'failed' | 'skipped' | 'abandoned';
  attempts: WebhookAttempt[];
  /** The exact JSON body sent (and signed). */
  body: string;
}

export interface WebhookDispatcherOptions {
  url: () => string | undefined;
  appId: string;
  signer: WebhookSigner;
  fetch: typeof fetch;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  retryIntervalMs: () => number;
  logger: Logger;
  newWebhookId?: () => string;
}

export interface WebhookDispatcher {
  emit(event: SandboxWebhookEvent): void;
  readonly deliveries: WebhookDelivery[];
  /** Resolves when every queued delivery, retries included, has finished. */
  flush(): Promise<void>;
  close(): void;
}

export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const { signer, now, sleep, logger } = options;
  const newWebhookId = options.newWebhookId ?? randomUUID;
  const deliveries: WebhookDelivery[] = [];
  const inflight = new Set<Promise<void>>();
  let closed = false;

  async function attempt(delivery: WebhookDelivery, url: string, bytes: Buffer): Promise<number | null> {
    const at = now();
    try {
      const res = await options.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signer.sign(bytes) },
        body: bytes,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await res.body?.cancel();
      delivery.attempts.push({ at, status: res.status });
      return res.status;
    } catch (error) {
      delivery.attempts.push({ at, error: error instanceof Error ? error.message : String(error) });
      return null;
    }
  }

  async function deliver(delivery: WebhookDelivery, url: string): Promise<void> {
    const bytes = Buffer.from(delivery.body);
    for (let retry = 0; ; retry += 1) {
      const status = await attempt(delivery, url, bytes);
      if (status === 429 && retry < MAX_WEBHOOK_RETRIES) {
        await sleep(options.retryIntervalMs());
        if (closed) {
          delivery.outcome = 'abandoned';
          return;
        }
        continue;
      }
      delivery.outcome = status !== null && status >= 200 && status < 300 ? 'delivered' : 'failed';
      if (delivery.outcome === 'failed') {
        logger.warn({ webhookId: delivery.webhookId, type: delivery.type, status }, 'sandbox webhook delivery failed');
      }
      return;
    }
  }

  return {
    deliveries,
    emit(event) {
      const url = options.url();
      const payload = {
        ...event,
        ...(event['appId'] === undefined ? { appId: options.appId } : {}),
        webhookId: newWebhookId(),
        timestamp: new Date(now()).toISOString(),
      };
      const delivery: WebhookDelivery = {
        webhookId: payload.webhookId,
        type: event.type,
        locationId: event.locationId,
        url: url ?? null,
        outcome: url && !closed ? 'pending' : 'skipped',
        attempts: [],
        body: JSON.stringify(payload),
      };
      deliveries.push(delivery);
      if (deliveries.length > MAX_LOGGED_DELIVERIES) deliveries.shift();
      if (delivery.outcome === 'skipped' || !url) return;
      const running = deliver(delivery, url).finally(() => inflight.delete(running));
      inflight.add(running);
    },
    async flush() {
      while (inflight.size > 0) await Promise.all([...inflight]);
    },
    close() {
      closed = true;
    },
  };
}

/**
 * The `marketplace.fire` job (enqueued by src/marketplace/plan-firings.ts with its firing row): sends
 * one firing to its subscription's targetUrl (src/marketplace/deliver-firing.ts). A retryable failure
 * (5xx, 429, no answer) goes back to the queue's backoff; the last attempt's failure, or a final one,
 * is recorded on the firing and the job is dead-lettered like any other.
 */
import { type DeliverFiringDeps, deliverFiring, readFiringJob } from '../../marketplace/deliver-firing.js';
import { MarketplaceError } from '../../marketplace/marketplace-error.js';
import { type JobHandler, NonRetryableError } from '../../queue/types.js';

export function marketplaceFireHandler(deps: DeliverFiringDeps): JobHandler {
  return async (job, context) => {
    let payload: ReturnType<typeof readFiringJob>;
    try {
      payload = readFiringJob(job.payload);
    } catch (error) {
      throw new NonRetryableError(error instanceof Error ? error.message : String(error), { cause: error });
    }
    try {
      await deliverFiring(deps, payload, {
        actor: `job:${job.id}`,
        lastAttempt: job.attempts >= job.maxAttempts,
        signal: context.signal,
      });
    } catch (error) {
      if (error instanceof MarketplaceError && !error.retryable) {
        throw new NonRetryableError(error.message, { cause: error });
      }
      throw error;
    }
  };
}

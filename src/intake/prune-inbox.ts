/**
 * Deletes processed inbox rows past the dedupe window. The window is at least 7 days: HighLevel asks
 * receivers to reject duplicate `webhookId`s
 * (https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide), and 7 days is well past
 * HighLevel's ~70-minute retry horizon
 * (https://help.gohighlevel.com/support/solutions/articles/155000007071-automated-webhook-retries) and
 * Stripe's 3 days (https://docs.stripe.com/webhooks/process-undelivered-events). Rows not yet processed
 * (received, ignored, failed) are never deleted: they are work, or evidence an admin still needs.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export const MIN_DEDUPE_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

export interface PruneInboxOptions {
  /** Delete processed rows received longer ago than this. Default and minimum: 7 days. */
  olderThanMs?: number;
  now?: () => number;
}

/** Returns how many rows were deleted. */
export async function pruneInbox(db: Kysely<Database>, options: PruneInboxOptions = {}): Promise<number> {
  const olderThanMs = options.olderThanMs ?? MIN_DEDUPE_WINDOW_MS;
  if (!Number.isFinite(olderThanMs) || olderThanMs < MIN_DEDUPE_WINDOW_MS) {
    throw new RangeError(
      `pruneInbox: olderThanMs must be at least ${MIN_DEDUPE_WINDOW_MS} (7 days, the webhook dedupe window), got ${olderThanMs}`,
    );
  }
  const cutoff = (options.now ?? Date.now)() - olderThanMs;
  const result = await db
    .deleteFrom('inbox')
    .where('status', '=', 'processed')
    .where('received_at', '<', cutoff)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** What the marketplace action, options and fields routes need, injected by whoever mounts them. */
import type { Kysely } from 'kysely';
import type { AcceleventsClient } from '../../accelevents/client.js';
import type { EventConfig } from '../../features/event-settings.js';
import type { Logger } from '../../lib/create-logger.js';
import type { HighLevelAccess } from '../../ratelimit/highlevel-access.js';
import type { Database } from '../../store/schema.js';
import type { ActionKey } from '../action-catalog.js';

export interface MarketplaceActionDeps {
  db: Kysely<Database>;
  /** The process's paced, audited HighLevel client (sends go through it). */
  highlevel: HighLevelAccess;
  /** The stored Accelevents connection's client; null when none is connected. */
  accelevents(): Promise<AcceleventsClient | null>;
  /** `events:` of the config: offered as options beside the events parley has seen attendees of. */
  events: readonly EventConfig[];
  logger: Logger;
  now?: () => number;
  /** Shorter answer deadlines than the catalog's (tests); absent: each action's `timeoutMs`. */
  timeoutsMs?: Partial<Record<ActionKey, number>>;
}

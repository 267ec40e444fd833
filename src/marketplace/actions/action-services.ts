/** What every action handler shares for the life of the routes: the deps, caches and template engine. */
import { createTemplateEngine, type TemplateEngine } from '../../lib/template-engine.js';
import type { RunOutcome } from '../../workflows/run-workflow.js';
import type { MarketplaceActionDeps } from './action-deps.js';
import type { ActionRequest } from './action-request.js';
import type { FindAttendeeDeps } from './find-attendee.js';
import { createShortCache, OPTIONS_CACHE_MS, type ShortCache } from './short-cache.js';

export interface ActionServices {
  deps: MarketplaceActionDeps;
  now: () => number;
  eventNames: ShortCache<string | null>;
  configuredNames: ReadonlyMap<string, string | null>;
  engine: TemplateEngine;
  /** Sends in progress in this process, by run key (send-message.ts). */
  sends: Map<string, Promise<RunOutcome>>;
}

export function createActionServices(deps: MarketplaceActionDeps): ActionServices {
  const now = deps.now ?? Date.now;
  return {
    deps,
    now,
    eventNames: createShortCache<string | null>(OPTIONS_CACHE_MS, now),
    configuredNames: new Map(deps.events.map((event) => [event.eventUrl, event.name])),
    engine: createTemplateEngine(),
    sends: new Map(),
  };
}

/** One call of an action: the parsed body, and the signal that ends the work at the action's timeout. */
export interface ActionCall {
  request: ActionRequest;
  signal: AbortSignal;
}

export async function attendeeFinderDeps(services: ActionServices, signal: AbortSignal): Promise<FindAttendeeDeps> {
  return {
    db: services.deps.db,
    accelevents: await services.deps.accelevents(),
    eventNames: services.eventNames,
    configuredNames: services.configuredNames,
    logger: services.deps.logger,
    signal,
  };
}

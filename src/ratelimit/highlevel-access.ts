/**
 * One paced, audited HighLevel client per process, shared by the pipeline's worker and the console's
 * REST API: both draw on the same rate bucket per location, so an agent's reply and a backlog of
 * welcomes never overrun HighLevel's limit between them. `runAs(actor, fn)` names who made the calls
 * inside `fn` in the audit trail: `job:<id>` for the worker, `user:<id>` for the console.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHighLevelClient, type HighLevelClient } from '../highlevel/client.js';
import type { HighLevelAuth } from '../highlevel/client-types.js';
import type { Logger } from '../lib/create-logger.js';
import type { Store } from '../store/open-database.js';
import { auditHooks } from './audit-hooks.js';
import { createRateScheduler, type RateSchedulerOptions } from './create-rate-scheduler.js';
import { rateLimitedHooks } from './rate-limited-hooks.js';
import type { RateScheduler } from './types.js';

export interface HighLevelAccessOptions {
  store: Store;
  auth: HighLevelAuth;
  baseUrl: string;
  appId: string;
  logger: Logger;
  now?: () => number;
  fetch?: typeof globalThis.fetch;
  scheduler?: Partial<Omit<RateSchedulerOptions, 'mode' | 'store'>>;
  client?: { timeoutMs?: number; maxRetries?: number };
  /** The audit actor for calls made outside any `runAs`. Default 'pipeline'. */
  defaultActor?: string;
}

export interface HighLevelAccess {
  client: HighLevelClient;
  scheduler: RateScheduler;
  runAs<T>(actor: string, fn: () => Promise<T>): Promise<T>;
}

export function createHighLevelAccess(options: HighLevelAccessOptions): HighLevelAccess {
  const { store, logger } = options;
  const now = options.now ?? Date.now;
  const defaultActor = options.defaultActor ?? 'pipeline';
  const scheduler = createRateScheduler({
    ...options.scheduler,
    mode: store.dialect === 'postgres' ? 'shared' : 'local',
    store,
    now,
    logger: logger.child({ name: 'ratelimit' }),
  });
  const actor = new AsyncLocalStorage<string>();
  const audit = auditHooks({ db: store.db, actor: () => actor.getStore() ?? defaultActor, now, logger });
  const hooks = rateLimitedHooks(scheduler, { appId: options.appId, audit });
  const client = createHighLevelClient({
    auth: options.auth,
    baseUrl: options.baseUrl,
    logger: logger.child({ name: 'highlevel' }),
    now,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...options.client,
    ...hooks,
  });
  return { client, scheduler, runAs: (name, fn) => actor.run(name, fn) };
}

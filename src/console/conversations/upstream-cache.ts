/**
 * Frequent upstream reads (get-conversation, get-message-transcription) cached in memory and
 * invalidated by webhooks, so an open thread does not spend the location's HighLevel rate budget.
 *
 * Invalidation has to reach this process even when the HighLevel webhook is handled by a worker
 * process, so no message is sent: each entry is stored under a `version` taken from the index rows'
 * `updated_at`, which every webhook that touches a conversation or message bumps (applyWebhookEvent).
 * A read with a different version misses and replaces the entry. The TTL bounds staleness for changes
 * HighLevel never announces by webhook.
 */
import type { ConsoleDeps } from '../console-deps.js';

export interface UpstreamCacheOptions {
  /** Entries kept; the least recently used goes first. */
  maxEntries?: number;
  ttlMs?: number;
  now?: () => number;
}

export interface UpstreamCache {
  /** The cached answer for `key` at `version`, else `load()` (whose answer is then cached). */
  read<T>(key: string, version: string, load: () => Promise<T>): Promise<T>;
  readonly size: number;
}

interface Entry {
  version: string;
  expiresAt: number;
  value: unknown;
}

export const DEFAULT_CACHE_ENTRIES = 5000;
export const DEFAULT_CACHE_TTL_MS = 5 * 60 * 1000;

export function createUpstreamCache(options: UpstreamCacheOptions = {}): UpstreamCache {
  const maxEntries = options.maxEntries ?? DEFAULT_CACHE_ENTRIES;
  const ttlMs = options.ttlMs ?? DEFAULT_CACHE_TTL_MS;
  const now = options.now ?? Date.now;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError(`createUpstreamCache: maxEntries must be a whole number >= 1, got ${maxEntries}`);
  }
  if (!(ttlMs > 0)) throw new TypeError(`createUpstreamCache: ttlMs must be > 0, got ${ttlMs}`);
  // A Map iterates in insertion order, so re-inserting on use makes the first key the least recently used.
  const entries = new Map<string, Entry>();

  return {
    get size() {
      return entries.size;
    },
    async read<T>(key: string, version: string, load: () => Promise<T>): Promise<T> {
      const hit = entries.get(key);
      if (hit && hit.version === version && hit.expiresAt > now()) {
        entries.delete(key);
        entries.set(key, hit);
        return hit.value as T;
      }
      const value = await load();
      entries.delete(key);
      entries.set(key, { version, expiresAt: now() + ttlMs, value });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
      return value;
    },
  };
}

/**
 * One cache per console (per ConsoleDeps), created on first use with the console's clock, so the
 * read functions keep the signature the pages share with the API.
 */
const caches = new WeakMap<ConsoleDeps, UpstreamCache>();

export function upstreamCacheFor(deps: ConsoleDeps): UpstreamCache {
  let cache = caches.get(deps);
  if (!cache) {
    cache = createUpstreamCache({ now: deps.now });
    caches.set(deps, cache);
  }
  return cache;
}

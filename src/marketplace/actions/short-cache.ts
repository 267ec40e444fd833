/**
 * A few seconds' memory of slow answers (Accelevents event names, option lists): HighLevel's builder
 * asks for options each time a user opens a select, and a workflow may look many attendees up at once.
 * A failed load is not kept, so the next call tries again.
 */
export const OPTIONS_CACHE_MS = 60_000;

export interface ShortCache<T> {
  get(key: string, load: () => Promise<T>): Promise<T>;
}

export function createShortCache<T>(ttlMs: number, now: () => number = Date.now, maxEntries = 500): ShortCache<T> {
  const entries = new Map<string, { at: number; value: Promise<T> }>();
  return {
    get(key, load) {
      const hit = entries.get(key);
      if (hit && now() - hit.at < ttlMs) return hit.value;
      if (entries.size >= maxEntries) entries.clear();
      const value = load();
      entries.set(key, { at: now(), value });
      value.catch(() => entries.delete(key));
      return value;
    },
  };
}

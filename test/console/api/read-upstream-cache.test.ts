/** The in-memory cache of upstream reads: versions, TTL on an injected clock, least-recently-used eviction. */
import { describe, expect, it } from 'vitest';
import { createUpstreamCache } from '../../../src/console/conversations/upstream-cache.js';

function counted(value: string) {
  const loads: string[] = [];
  return {
    loads,
    load: async () => {
      loads.push(value);
      return value;
    },
  };
}

describe('upstream read cache', () => {
  it('answers the same key at the same version from memory', async () => {
    const cache = createUpstreamCache({ now: () => 0 });
    const first = counted('a');
    expect(await cache.read('k', 'v1', first.load)).toBe('a');
    expect(await cache.read('k', 'v1', first.load)).toBe('a');
    expect(first.loads).toEqual(['a']);
  });

  it('reloads a key when its version changes', async () => {
    const cache = createUpstreamCache({ now: () => 0 });
    await cache.read('k', 'v1', counted('a').load);
    const second = counted('b');
    expect(await cache.read('k', 'v2', second.load)).toBe('b');
    expect(second.loads).toEqual(['b']);
  });

  it('reloads an entry once its TTL has passed on the injected clock', async () => {
    let now = 1_000;
    const cache = createUpstreamCache({ now: () => now, ttlMs: 100 });
    const source = counted('x');
    await cache.read('k', 'v', source.load);
    now += 99;
    await cache.read('k', 'v', source.load);
    expect(source.loads.length).toBe(1);
    now += 1;
    await cache.read('k', 'v', source.load);
    expect(source.loads.length).toBe(2);
  });

  it('evicts the least recently used entry when full', async () => {
    const cache = createUpstreamCache({ now: () => 0, maxEntries: 2 });
    const source = counted('v');
    await cache.read('a', '1', source.load);
    await cache.read('b', '1', source.load);
    await cache.read('a', '1', source.load); // a is now the most recently used
    await cache.read('c', '1', source.load); // evicts b
    expect(cache.size).toBe(2);
    const before = source.loads.length;
    await cache.read('a', '1', source.load);
    expect(source.loads.length).toBe(before);
    await cache.read('b', '1', source.load);
    expect(source.loads.length).toBe(before + 1);
  });

  it('caches nothing when the load fails, so the next read tries again', async () => {
    const cache = createUpstreamCache({ now: () => 0 });
    await expect(cache.read('k', 'v', async () => Promise.reject(new Error('upstream down')))).rejects.toThrow(
      'upstream down',
    );
    expect(await cache.read('k', 'v', async () => 'ok')).toBe('ok');
  });

  it('refuses a size below one', () => {
    expect(() => createUpstreamCache({ maxEntries: 0 })).toThrow(/maxEntries/);
  });

  it('refuses a TTL that is not positive', () => {
    expect(() => createUpstreamCache({ ttlMs: 0 })).toThrow(/ttlMs/);
  });
});

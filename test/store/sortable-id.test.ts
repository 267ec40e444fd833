/**
 * Row ids for high-rate tables are UUIDv7 (src/store/sortable-id.ts): later ids sort after earlier
 * ones, so inserts land at the right end of the primary-key index instead of on random leaf pages.
 */
import { describe, expect, it } from 'vitest';
import { createQueue } from '../../src/queue/create-queue.js';
import { newSortableId } from '../../src/store/sortable-id.js';
import { describeEachDatabase } from '../helpers/databases.js';

describe('newSortableId', () => {
  it('issues RFC 9562 version-7 UUIDs that sort in the order they were made, within one millisecond too', () => {
    const ids = Array.from({ length: 5_000 }, () => newSortableId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('carries the creation time in its first 48 bits', () => {
    const before = Date.now();
    const id = newSortableId();
    const millis = Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);
    expect(millis).toBeGreaterThanOrEqual(before);
    expect(millis).toBeLessThanOrEqual(Date.now());
  });
});

describeEachDatabase('queue ids', (getStore) => {
  it('gives jobs enqueued later ids that sort later', async () => {
    const queue = createQueue({ store: getStore() });
    const jobs = await queue.enqueueMany(Array.from({ length: 50 }, (_, n) => ({ kind: 'id-order', payload: { n } })));
    const ids = jobs.map((job) => job.id);
    expect([...ids].sort()).toEqual(ids);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { AcceleventsSandbox } from '../../src/sandbox/accelevents/create-sandbox.js';
import { createIdSource } from '../../src/sandbox/accelevents/sandbox-ids.js';
import { SPONSOR_DAY, SUMMIT, startSandbox } from '../accelevents/sandbox-fixture.js';
import { admin } from './accelevents-receiver.js';

let sandbox: AcceleventsSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

interface Issued {
  attendeeIds: unknown[];
  ticketIds: unknown[];
  orderIds: unknown[];
  userIds: unknown[];
  barcodes: unknown[];
}

/** Starts a sandbox, registers one new attendee and places one two-holder order, reads every attendee over REST, stops. */
async function oneRun(): Promise<Issued> {
  sandbox = await startSandbox({ attendees: 3 });
  expect((await admin(sandbox.origin, 'attendees', { eventUrl: SUMMIT, ...person('new') })).status).toBe(200);
  const order = await admin(sandbox.origin, 'orders', {
    eventUrl: SPONSOR_DAY,
    purchaser: person('buyer'),
    holders: [person('one'), person('two')],
  });
  expect(order.status).toBe(200);
  const rows: any[] = [];
  for (const eventUrl of [SUMMIT, SPONSOR_DAY]) {
    const res = await fetch(`${sandbox.url}/events/${eventUrl}/staff/allAttendees`, {
      headers: { authorization: sandbox.apiKey },
    });
    expect(res.status).toBe(200);
    rows.push(...((await res.json()) as { attendees: any[] }).attendees);
  }
  await sandbox.close();
  sandbox = undefined;
  expect(rows).toHaveLength(9);
  return {
    attendeeIds: rows.map((r) => r.attendeeId),
    ticketIds: rows.map((r) => r.eventTicketingId),
    orderIds: rows.map((r) => r.orderId),
    userIds: rows.map((r) => r.userId),
    barcodes: rows.map((r) => r.barcode),
  };
}

function person(tag: string) {
  return { firstName: tag, lastName: 'Tester', email: `${tag}@example.com` };
}

describe('Accelevents sandbox ids across restarts', () => {
  it('issues disjoint ids of every kind in two runs one after the other', async () => {
    const first = await oneRun();
    const second = await oneRun();
    for (const key of ['attendeeIds', 'ticketIds', 'orderIds', 'userIds', 'barcodes'] as const) {
      const overlap = first[key].filter((id) => second[key].includes(id));
      expect(overlap, key).toEqual([]);
    }
  });

  it('answers every numeric id as a safe whole number over REST', async () => {
    const run = await oneRun();
    for (const key of ['attendeeIds', 'ticketIds', 'orderIds', 'userIds'] as const) {
      for (const id of run[key]) expect(Number.isSafeInteger(id), `${key} ${String(id)}`).toBe(true);
    }
  });

  it('counts up from a block drawn with the injected randomness', () => {
    const next = createIdSource(() => 7_000);
    expect([next(), next(), next()]).toEqual([7_000_000_001, 7_000_000_002, 7_000_000_003]);
  });

  it('draws a new block after a million ids, within the range of safe integers', () => {
    const draws: [number, number][] = [];
    const blocks = [7_000, 42_000];
    const next = createIdSource((min, max) => {
      draws.push([min, max]);
      return blocks[draws.length - 1]!;
    });
    for (let i = 1; i < 1_000_000; i++) next();
    expect(next()).toBe(42_000_000_001);
    expect(draws).toHaveLength(2);
    const [, max] = draws[0]!;
    expect(Number.isSafeInteger((max - 1) * 1_000_000 + 999_999)).toBe(true);
  });
});

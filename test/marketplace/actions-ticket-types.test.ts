/** The ticket-type options come from Accelevents' ticketing settings, read by the Accelevents client. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTicketTypes } from '../../src/accelevents/read-records.js';
import type { AcceleventsSandbox } from '../../src/sandbox/accelevents/create-sandbox.js';
import { clientFor, SUMMIT, startSandbox } from '../accelevents/sandbox-fixture.js';

describe('Accelevents ticket types for the marketplace options', () => {
  let sandbox: AcceleventsSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it("lists the event's ticket types with their ids and prices", async () => {
    const types = await clientFor(sandbox).listTicketTypes(SUMMIT);
    expect(types.map(({ typeId, name, price }) => ({ typeId, name, price }))).toEqual([
      { typeId: '1011', name: 'General Admission', price: 0 },
      { typeId: '1012', name: 'VIP', price: 199 },
    ]);
  });

  it('refuses an answer without a ticketTypes array, saying what it got', () => {
    expect(() => readTicketTypes({ ticketTypes: 'none' })).toThrow(/expected ticketTypes as an array, got string/);
    expect(readTicketTypes({ ticketTypes: [{ name: 'Student', typeId: 7 }, { price: 3 }] })).toMatchObject([
      { typeId: '7', name: 'Student', price: null },
    ]);
  });
});

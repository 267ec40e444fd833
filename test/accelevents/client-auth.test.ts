import { afterEach, describe, expect, it } from 'vitest';
import { AUTH_PRESETS } from '../../src/accelevents/auth-presets.js';
import { AcceleventsError } from '../../src/accelevents/client.js';
import type { AcceleventsSandbox } from '../../src/sandbox/accelevents/create-sandbox.js';
import { clientFor, rejection, SUMMIT, startSandbox } from './sandbox-fixture.js';

let sandbox: AcceleventsSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('Accelevents client auth presets against the sandbox', () => {
  for (const expected of AUTH_PRESETS) {
    it(`reads with ${expected} when the sandbox expects ${expected}`, async () => {
      sandbox = await startSandbox({ readAuth: expected });
      const details = await clientFor(sandbox, { readAuth: expected }).getEventDetails(SUMMIT);
      expect(details.eventUrl).toBe(SUMMIT);
    });

    it(`answers every preset but ${expected} 401 4010101 when the sandbox expects ${expected}`, async () => {
      sandbox = await startSandbox({ readAuth: expected });
      for (const other of AUTH_PRESETS.filter((p) => p !== expected)) {
        const error = await rejection(clientFor(sandbox, { readAuth: other }).getEventDetails(SUMMIT));
        expect(error).toBeInstanceOf(AcceleventsError);
        expect({ preset: other, code: error.code, status: error.status, appCode: error.appCode }).toEqual({
          preset: other,
          code: 'unauthorized',
          status: 401,
          appCode: 4010101,
        });
      }
    });
  }

  it('answers the sandbox 401 body exactly as { errorCode: 4010101, message: "Not authorized" }', async () => {
    sandbox = await startSandbox();
    const res = await fetch(`${sandbox.url}/host/event/${SUMMIT}/eventDetails`, { headers: { key: 'wrong-key-123' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ errorCode: 4010101, message: 'Not authorized' });
  });

  it('under the production-like default, refuses the check-in write of a client that reads with Bearer', async () => {
    sandbox = await startSandbox();
    const bearerOnly = clientFor(sandbox, { readAuth: 'bearer', writeAuth: 'bearer' });
    const [first] = (await bearerOnly.listAttendees(SUMMIT)).items;
    const barcode = first!.barcode!;

    const refused = await rejection(bearerOnly.checkIn(SUMMIT, barcode));
    expect(refused).toMatchObject({ code: 'unauthorized', status: 401, appCode: 4010101 });
    expect(sandbox.state.ticket(SUMMIT, barcode).ticketStatus).toBe('BOOKED');
  });

  it('under the production-like default, checks in with writeAuth key while reading with Bearer', async () => {
    sandbox = await startSandbox();
    const fixed = clientFor(sandbox, { readAuth: 'bearer', writeAuth: 'key' });
    const [first] = (await fixed.listAttendees(SUMMIT)).items;
    const barcode = first!.barcode!;
    const result = await fixed.checkIn(SUMMIT, barcode);
    expect(result.status).toBe('CHECKED_IN');
    expect(sandbox.state.ticket(SUMMIT, barcode).ticketStatus).toBe('CHECKED_IN');
  });

  it('refuses a Bearer PUT of holder data', async () => {
    sandbox = await startSandbox();
    const barcode = sandbox.state.tickets(SUMMIT)[0]!.barcode;
    const update = { attributes: [{ name: 'First Name', value: 'Ada' }] };
    const refused = await rejection(
      clientFor(sandbox, { writeAuth: 'bearer' }).updateHolderData(SUMMIT, barcode, update),
    );
    expect(refused).toMatchObject({ code: 'unauthorized', status: 401 });
  });

  it('accepts a PUT of holder data with the Key header', async () => {
    sandbox = await startSandbox();
    const barcode = sandbox.state.tickets(SUMMIT)[0]!.barcode;
    const update = { attributes: [{ name: 'First Name', value: 'Ada' }] };
    const ok = await clientFor(sandbox, { writeAuth: 'key' }).updateHolderData(SUMMIT, barcode, update);
    expect(ok.type).toBe('Success');
    expect(sandbox.state.ticket(SUMMIT, barcode).firstName).toBe('Ada');
  });

  it('names an unknown event not_found with app code 4040200', async () => {
    sandbox = await startSandbox();
    const error = await rejection(clientFor(sandbox).getEventDetails('no-such-event'));
    expect(error).toMatchObject({ code: 'not_found', status: 404, appCode: 4040200 });
  });

  it('reports a missing host role as forbidden 4030201 while staff reads still work', async () => {
    sandbox = await startSandbox();
    sandbox.setAccess({ eventUrl: SUMMIT, role: 'staff' });
    const client = clientFor(sandbox);
    expect(await rejection(client.getEventDetails(SUMMIT))).toMatchObject({ code: 'forbidden', appCode: 4030201 });
    expect((await client.listAttendees(SUMMIT)).items.length).toBeGreaterThan(0);
  });

  it('reports a missing staff role as forbidden 4030101', async () => {
    sandbox = await startSandbox();
    const client = clientFor(sandbox);
    sandbox.setAccess({ eventUrl: SUMMIT, role: 'none' });
    expect(await rejection(client.listAttendees(SUMMIT))).toMatchObject({ code: 'forbidden', appCode: 4030101 });
  });

  it('reports plan_not_enabled when a 403 says API access is not on the plan', async () => {
    sandbox = await startSandbox();
    sandbox.setAccess({ planEnabled: false });
    const error = await rejection(clientFor(sandbox).getEventDetails(SUMMIT));
    expect(error).toMatchObject({ code: 'plan_not_enabled', status: 403 });
  });

  it('refuses to build a client with an unknown preset, naming the field', () => {
    expect(() =>
      clientFor({ url: 'http://127.0.0.1:1/rest', apiKey: 'k-12345678' } as AcceleventsSandbox, {
        readAuth: 'Bearer' as never,
      }),
    ).toThrow(/readAuth must be one of authorization, bearer, key, authentication; got "Bearer"/);
  });
});

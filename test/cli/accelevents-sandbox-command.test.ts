import { describe, expect, it } from 'vitest';
import {
  type AcceleventsSandboxCliOptions,
  parseAcceleventsSandboxOptions,
  runAcceleventsSandbox,
} from '../../src/cli/commands/accelevents-sandbox.js';

const DEFAULTS: AcceleventsSandboxCliOptions = {
  port: '0',
  host: '127.0.0.1',
  attendees: '4',
  payloadShape: 'flat',
  attendeesKey: 'attendees',
};

describe('parley accelevents-sandbox', () => {
  it('serves the printed URL with the printed key until shutdown, then stops', async () => {
    let out = '';
    let ready!: () => void;
    let stop!: () => void;
    const listening = new Promise<void>((resolve) => (ready = resolve));
    const shutdown = new Promise<void>((resolve) => (stop = resolve));
    const running = runAcceleventsSandbox(
      { ...DEFAULTS, readAuth: 'key', attendeesKey: 'data' },
      {
        env: {},
        write: (text) => {
          out += text;
        },
        waitForShutdown: () => {
          ready();
          return shutdown;
        },
      },
    );
    await listening;
    const url = out.match(/listening on (http:\/\/\S+)/)![1]!;
    const key = out.match(/API key +(\S+)/)![1]!;
    expect(out).toContain('event           parley-spring-summit  (id 101, 4 attendees)');

    const res = await fetch(`${url}/events/parley-spring-summit/staff/allAttendees`, { headers: { key } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(4);
    const bearer = await fetch(`${url}/events/parley-spring-summit/staff/allAttendees`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(bearer.status).toBe(401);

    stop();
    await running;
    await expect(
      fetch(`${url}/events/parley-spring-summit/staff/allAttendees`, { headers: { key } }),
    ).rejects.toThrow();
  });

  it('rejects bad options with the flag named', () => {
    const parse = (patch: Partial<AcceleventsSandboxCliOptions>) => () =>
      parseAcceleventsSandboxOptions({ ...DEFAULTS, ...patch }, {});
    expect(parse({ readAuth: 'bearer,cookie' })).toThrow(/^--read-auth must list one or more of/);
    expect(parse({ payloadShape: 'xml' })).toThrow('--payload-shape must be flat or nested, got "xml"');
    expect(parse({ attendeesKey: 'rows' })).toThrow(/^--attendees-key must be attendees, data or content/);
    expect(parse({ webhookUrl: 'ftp://x' })).toThrow(/^--webhook-url must be an absolute http\(s\) URL/);
    expect(parse({ attendees: '-1' })).toThrow(/^--attendees must be a whole number/);
    expect(() =>
      parseAcceleventsSandboxOptions({ ...DEFAULTS, port: undefined }, { PARLEY_ACCELEVENTS_SANDBOX_PORT: 'x' }),
    ).toThrow(/^PARLEY_ACCELEVENTS_SANDBOX_PORT must be a port/);
  });
});

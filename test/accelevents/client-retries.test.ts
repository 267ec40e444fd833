import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAcceleventsClient } from '../../src/accelevents/client.js';
import type { AcceleventsSandbox } from '../../src/sandbox/accelevents/create-sandbox.js';
import { capturingLogger, clientFor, rejection, SUMMIT, startSandbox } from './sandbox-fixture.js';

let sandbox: AcceleventsSandbox | undefined;
let other: Server | undefined;
afterEach(async () => {
  await sandbox?.close();
  await new Promise((resolve) => (other ? other.close(resolve) : resolve(undefined)));
  sandbox = undefined;
  other = undefined;
});

const UPDATE = { attributes: [{ name: 'First Name', value: 'Ada' }] };

describe('Accelevents client retries', () => {
  it('retries a GET with backoff through transient faults until it answers', async () => {
    sandbox = await startSandbox();
    sandbox.failNext({ kind: 503 });
    sandbox.failNext({ kind: 'reset' });
    const sleeps: number[] = [];
    const client = clientFor(sandbox, {}, { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 });

    const details = await client.getEventDetails(SUMMIT);
    expect(details.eventName).toBe('Parley Spring Summit 2026');
    // Full jitter with random 0.5: half of 500 ms, then half of 1000 ms.
    expect(sleeps).toEqual([250, 500]);
  });

  it('reports server_error once maxRetries are spent', async () => {
    sandbox = await startSandbox();
    sandbox.failNext({ kind: 500, count: 3 });
    const error = await rejection(clientFor(sandbox, {}, { maxRetries: 2 }).getEventDetails(SUMMIT));
    expect(error).toMatchObject({ code: 'server_error', status: 500, ambiguous: false });
  });

  it('waits at least Retry-After on a 429 before reading again', async () => {
    sandbox = await startSandbox();
    sandbox.failNext({ kind: 429, retryAfterSeconds: 7 });
    const sleeps: number[] = [];
    const client = clientFor(sandbox, {}, { sleep: async (ms) => void sleeps.push(ms), random: () => 0 });
    await client.listAttendees(SUMMIT);
    expect(sleeps).toEqual([7000]);
  });

  it('marks the error of a PUT that met a 503 as ambiguous', async () => {
    sandbox = await startSandbox();
    sandbox.failNext({ kind: 503, count: 5 });
    const barcode = sandbox.state.tickets(SUMMIT)[0]!.barcode;
    const error = await rejection(clientFor(sandbox).updateHolderData(SUMMIT, barcode, UPDATE));
    expect(error).toMatchObject({ code: 'server_error', ambiguous: true, request: { method: 'PUT' } });
  });

  it('does not retry a PUT after a 503', async () => {
    sandbox = await startSandbox();
    sandbox.failNext({ kind: 503, count: 5 });
    const barcode = sandbox.state.tickets(SUMMIT)[0]!.barcode;
    await rejection(clientFor(sandbox).updateHolderData(SUMMIT, barcode, UPDATE));
    // Four scripted faults are still queued: exactly one was used.
    const info: any = await (await fetch(`${sandbox.origin}/sandbox/accelevents/info`)).json();
    expect(info.faultsInjected).toBe(1);
  });

  it('does not retry the check-in (a write sent as GET) after a reset', async () => {
    sandbox = await startSandbox();
    sandbox.failNext({ kind: 'reset' });
    const barcode = sandbox.state.tickets(SUMMIT)[0]!.barcode;
    const error = await rejection(clientFor(sandbox).checkIn(SUMMIT, barcode));
    expect(error).toMatchObject({ code: 'network_error', ambiguous: true, request: { method: 'GET' } });
    expect(sandbox.state.ticket(SUMMIT, barcode).ticketStatus).toBe('BOOKED');
  });

  it('retries a read that timed out', async () => {
    sandbox = await startSandbox();
    sandbox.failNext({ kind: 'hang' });
    const sleeps: number[] = [];
    const client = clientFor(sandbox, {}, { timeoutMs: 200, sleep: async (ms) => void sleeps.push(ms) });
    expect((await client.getEventDetails(SUMMIT)).eventUrl).toBe(SUMMIT);
    expect(sleeps).toHaveLength(1);
  });

  it('times out a request the server never answers', async () => {
    sandbox = await startSandbox();
    sandbox.failNext({ kind: 'hang' });
    const error = await rejection(clientFor(sandbox, {}, { timeoutMs: 200, maxRetries: 0 }).getEventDetails(SUMMIT));
    expect(error).toMatchObject({ code: 'timeout', status: null });
  });

  /** A client for a port that just closed, so every connection is refused. */
  async function refusedClient() {
    other = createServer();
    await new Promise<void>((resolve) => other!.listen(0, '127.0.0.1', resolve));
    const { port } = other.address() as AddressInfo;
    await new Promise((resolve) => other!.close(resolve));
    other = undefined;
    return createAcceleventsClient({
      baseUrl: `http://127.0.0.1:${port}/rest`,
      apiKey: 'refused-key-1234',
      readAuth: 'key',
      writeAuth: 'key',
      maxRetries: 1,
      sleep: async () => {},
      logger: capturingLogger().logger,
    });
  }

  it('reports a refused connection as network_error', async () => {
    const client = await refusedClient();
    expect(await rejection(client.getEventDetails(SUMMIT))).toMatchObject({ code: 'network_error' });
  });

  it('reports a write refused at connection as not ambiguous', async () => {
    const client = await refusedClient();
    expect(await rejection(client.checkIn(SUMMIT, 'AE1'))).toMatchObject({ code: 'network_error', ambiguous: false });
  });

  it('reports a success whose body is not JSON as invalid_response', async () => {
    other = createServer((_req, res) => res.end('<html>maintenance</html>'));
    await new Promise<void>((resolve) => other!.listen(0, '127.0.0.1', resolve));
    const client = createAcceleventsClient({
      baseUrl: `http://127.0.0.1:${(other.address() as AddressInfo).port}/rest`,
      apiKey: 'html-key-12345',
      readAuth: 'key',
      writeAuth: 'key',
      logger: capturingLogger().logger,
    });
    expect(await rejection(client.getEventDetails(SUMMIT))).toMatchObject({ code: 'invalid_response', status: 200 });
  });
});

describe('Accelevents client secrecy', () => {
  it('never lets the API key reach an error or a debug log, even when a server echoes it', async () => {
    const apiKey = 'ae-secret-key-9f8e7d6c5b4a';
    // A server that echoes the key back in its 401 message, and a sandbox for successful and failed calls.
    other = createServer((req, res) => {
      res.statusCode = 401;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ errorCode: 4010101, message: `key ${req.headers.key} is not valid` }));
    });
    await new Promise<void>((resolve) => other!.listen(0, '127.0.0.1', resolve));
    sandbox = await startSandbox({ apiKey, readAuth: 'key' });
    sandbox.failNext({ kind: 503 });
    const { logger, output } = capturingLogger();
    const options = { apiKey, readAuth: 'key', writeAuth: 'key', logger, sleep: async () => {} } as const;

    const good = createAcceleventsClient({ ...options, baseUrl: sandbox.url });
    await good.getEventDetails(SUMMIT);
    const bad = createAcceleventsClient({ ...options, readAuth: 'bearer', baseUrl: sandbox.url });
    const refused = await rejection(bad.getEventDetails(SUMMIT));
    const echoing = createAcceleventsClient({
      ...options,
      baseUrl: `http://127.0.0.1:${(other.address() as AddressInfo).port}/rest`,
    });
    const echoed = await rejection(echoing.getEventDetails(SUMMIT));

    expect(echoed.message).toContain('key [redacted] is not valid');
    const everything = [refused, echoed].flatMap((e) => [e.message, String(e.stack), JSON.stringify(e)]).join('\n');
    expect(output()).toContain('accelevents call succeeded');
    expect(output()).toContain('accelevents call failed');
    expect(everything + output()).not.toContain(apiKey);
  });

  it('refuses an API key with a line break at construction without quoting it', () => {
    const apiKey = 'line\nbreak-secret';
    const build = () =>
      createAcceleventsClient({ baseUrl: 'http://127.0.0.1:9/rest', apiKey, readAuth: 'key', writeAuth: 'key' });
    expect(build).toThrow(/apiKey is unusable: the API key contains spaces, line breaks/);
    try {
      build();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('break-secret');
    }
  });
});

/**
 * Connections that stall are closed by the server (config `server.timeouts`): one that sends part of
 * its headers and then nothing, and one that sends its headers and part of its body. Small timeouts
 * here; the assertion is that the server closes the connection, not when.
 */
import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/create-logger.js';
import { createApp } from '../../src/server/create-app.js';
import { startServe } from './running-parley.js';

const TIMEOUTS = { headersSeconds: 0.3, requestSeconds: 0.6, idleSeconds: 30, keepAliveSeconds: 1 };

/** Resolves with what the server sent once it closes the connection; rejects after `boundMs` (a bound on a hang). */
function closedByServer(socket: Socket, boundMs = 15_000): Promise<string> {
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const bound = setTimeout(
      () => reject(new Error(`the server kept the stalled connection open for ${boundMs} ms`)),
      boundMs,
    );
    socket.on('close', () => {
      clearTimeout(bound);
      resolve(received);
    });
    socket.on('error', () => undefined);
  });
}

describe('server timeouts', () => {
  let app: FastifyInstance | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    await app?.close();
  });

  async function listening(): Promise<number> {
    app = createApp({
      logger: createLogger({ level: 'silent' }),
      checkReady: async () => ({}),
      server: { trustProxy: false, timeouts: TIMEOUTS },
    });
    app.post('/hooks/echo', async (request) => ({ length: String(request.body ?? '').length }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  async function open(port: number): Promise<Socket> {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    await new Promise((resolve) => socket.once('connect', resolve));
    return socket;
  }

  it('closes a connection that stalls partway through its headers', async () => {
    const socket = await open(await listening());
    socket.write('GET /healthz HTTP/1.1\r\nHost: parley.test\r\nX-Slow: ');
    const answer = await closedByServer(socket);
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('closes a connection that stalls partway through its body', async () => {
    const socket = await open(await listening());
    socket.write(
      'POST /hooks/echo HTTP/1.1\r\nHost: parley.test\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nten bytes.',
    );
    const answer = await closedByServer(socket);
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('still serves a request that arrives whole', async () => {
    const port = await listening();
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(200);
  });

  it('parley serve takes the timeouts from server.timeouts in the config file', async () => {
    const parley = await startServe('sqlite', {
      config: 'server:\n  timeouts: { headersSeconds: 0.3, requestSeconds: 0.6 }\n',
    });
    try {
      const { hostname, port } = new URL(parley.url);
      const socket = connect(Number(port), hostname);
      sockets.push(socket);
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write('GET /healthz HTTP/1.1\r\nHost: parley.test\r\n');
      const answer = await closedByServer(socket);
      expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
    } finally {
      await parley.stop();
    }
  });
});

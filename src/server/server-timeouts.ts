/**
 * Config `server.timeouts` as Fastify and Node server options. Without them a client that sends part
 * of its headers and stalls held its connection for as long as it liked, so a few hundred such
 * connections could exhaust the server. Node enforces the header and request timeouts on a timer
 * (`connectionsCheckingInterval`, 30 s by default), so the timer runs often enough for the shortest.
 */

import type { Server } from 'node:http';
import type { FastifyHttpOptions } from 'fastify';
import type { ServerTimeouts } from './server-settings.js';

export function serverTimeoutOptions(
  timeouts: ServerTimeouts,
): Pick<FastifyHttpOptions<Server>, 'requestTimeout' | 'connectionTimeout' | 'keepAliveTimeout' | 'http'> {
  const ms = (seconds: number) => Math.max(1, Math.round(seconds * 1000));
  const headersTimeout = ms(timeouts.headersSeconds);
  const requestTimeout = ms(timeouts.requestSeconds);
  const checkEvery = Math.min(1_000, Math.max(10, Math.floor(Math.min(headersTimeout, requestTimeout) / 4)));
  return {
    requestTimeout,
    connectionTimeout: ms(timeouts.idleSeconds),
    keepAliveTimeout: ms(timeouts.keepAliveSeconds),
    // Fastify has no option of its own for these two; they go to http.createServer.
    http: { headersTimeout, requestTimeout, connectionsCheckingInterval: checkEvery },
  };
}

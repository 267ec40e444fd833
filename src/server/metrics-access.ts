/**
 * Who may read /metrics (location ids, queue depths, connection states). `bind: loopback` (the
 * default): only callers on this machine; anyone else gets the 404 of a route that does not exist.
 * A token (config `server.metrics.tokenEnv` names the variable holding it, never the token itself):
 * `Authorization: Bearer <token>`, compared in constant time. Both may apply at once.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIPv4 } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { ConfigError } from '../config/load-config.js';
import type { ServerConfig } from './server-settings.js';

export interface MetricsAccess {
  bind: 'loopback' | 'any';
  /** The bearer token callers must send; null: none asked. */
  token: string | null;
}

export const DEFAULT_METRICS_ACCESS: MetricsAccess = { bind: 'loopback', token: null };

/** Reads the token from the variable the config names; a named variable that is unset is a config error. */
export function metricsAccessFrom(metrics: ServerConfig['metrics'], env: NodeJS.ProcessEnv): MetricsAccess {
  if (metrics.tokenEnv === null) return { bind: metrics.bind, token: null };
  const token = env[metrics.tokenEnv];
  if (token === undefined || token.trim() === '') {
    throw new ConfigError(
      `${metrics.tokenEnv} is not set: server.metrics.tokenEnv names it as the bearer token /metrics requires (e.g. \`openssl rand -hex 32\`)`,
    );
  }
  return { bind: metrics.bind, token: token.trim() };
}

/** 127.0.0.0/8, ::1, and IPv4 loopback written as IPv6 (::ffff:127.0.0.1). */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (isIPv4(v4)) return v4.startsWith('127.');
  return address === '::1';
}

const digest = (text: string) => createHash('sha256').update(text).digest();

function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  // Digests have one length, so timingSafeEqual never learns the token's length from a guess.
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), digest(token));
}

/** An onRequest hook for /metrics. */
export function guardMetrics(access: MetricsAccess) {
  return async function metricsGuard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    // The socket peer too: with trustProxy on, request.ip is what X-Forwarded-For claims.
    if (access.bind === 'loopback' && !(isLoopback(request.socket.remoteAddress) && isLoopback(request.ip))) {
      reply.callNotFound();
      return reply;
    }
    if (access.token !== null && !bearerMatches(request.headers.authorization, access.token)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="parley metrics"')
        .send({ error: 'unauthenticated', message: 'send Authorization: Bearer <the metrics token>' });
    }
  };
}

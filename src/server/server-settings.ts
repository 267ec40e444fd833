import { isIP } from 'node:net';
import { z } from 'zod';
import { envName, seconds } from '../config/setting-fields.js';

/** `server:` in parley.config.yaml, after defaults (src/app/file-config-defaults.ts). */
/** `server:` — how parley's HTTP server treats connections, proxies and /metrics. */
export interface ServerConfig {
  /**
   * Whose `X-Forwarded-For` is believed for the client address (`request.ip`): false (default) none,
   * true every hop, a number that many hops, or a list of proxy addresses and CIDRs (Fastify's `trustProxy`).
   */
  trustProxy: boolean | number | string[];
  timeouts: ServerTimeouts;
  metrics: {
    /** 'loopback' (default): callers not on this machine get 404. 'any': everyone who has the token. */
    bind: 'loopback' | 'any';
    /** The environment variable holding the bearer token /metrics requires; null: no token. */
    tokenEnv: string | null;
  };
}

export interface ServerTimeouts {
  /** The whole header block must arrive within this (Node `headersTimeout`). */
  headersSeconds: number;
  /** The whole request, body included, must arrive within this (Fastify `requestTimeout`). */
  requestSeconds: number;
  /** A connection with no traffic either way is closed after this (Fastify `connectionTimeout`). */
  idleSeconds: number;
  /** An idle kept-alive connection waits this long for its next request (Fastify `keepAliveTimeout`). */
  keepAliveSeconds: number;
}

/**
 * Suited to webhooks and the console: senders and browsers send headers at once, a 5 MB attachment
 * upload fits in the request time on a slow link, and idle keep-alive sockets are not held for long.
 */
export const DEFAULT_SERVER_TIMEOUTS: Readonly<ServerTimeouts> = {
  headersSeconds: 10,
  requestSeconds: 60,
  idleSeconds: 60,
  keepAliveSeconds: 5,
};

/** What Fastify's `trustProxy` list takes (via proxy-addr): an address, a CIDR, or one of its named ranges. */
function isProxyAddress(value: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(value)) return true;
  const [address = '', prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}
const proxyAddress = z.string().refine(isProxyAddress, {
  error: 'expected an IP address, a CIDR such as 10.0.0.0/8, or loopback, linklocal, uniquelocal',
});

/** `server:` as written in the file: the HTTP server's proxy trust, timeouts and /metrics access. */
export const ServerSettingsSchema = z
  .strictObject({
    trustProxy: z
      .union([z.boolean(), z.number().int().min(1), proxyAddress, z.array(proxyAddress).min(1)], {
        error: 'expected true, false, a hop count (1 or more), or a list of proxy addresses and CIDRs',
      })
      .optional(),
    timeouts: z
      .strictObject({
        headersSeconds: seconds.optional(),
        requestSeconds: seconds.optional(),
        idleSeconds: seconds.optional(),
        keepAliveSeconds: seconds.optional(),
      })
      .optional(),
    metrics: z
      .strictObject({
        bind: z.enum(['loopback', 'any']).optional(),
        tokenEnv: envName.optional(),
      })
      .optional(),
  })
  // Node refuses a header timeout longer than the request timeout (http.createServer).
  .refine(
    (server) =>
      (server.timeouts?.headersSeconds ?? DEFAULT_SERVER_TIMEOUTS.headersSeconds) <=
      (server.timeouts?.requestSeconds ?? DEFAULT_SERVER_TIMEOUTS.requestSeconds),
    { error: 'headersSeconds must not exceed requestSeconds', path: ['timeouts', 'headersSeconds'] },
  )
  // A /metrics open to every address must at least ask for a token.
  .refine((server) => server.metrics?.bind !== 'any' || server.metrics.tokenEnv !== undefined, {
    error: 'bind: any needs tokenEnv (the environment variable holding the bearer token /metrics then requires)',
    path: ['metrics', 'bind'],
  });

/**
 * Faults on demand for the API and OAuth routes (5xx, latency, timeouts, resets), so
 * clients can be tested against a flaky HighLevel. Decisions use the injected `random`, delays the
 * injected `sleep`. Hung requests are tracked and their sockets destroyed when the server closes, so a
 * timeout fault never keeps the process alive.
 */
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxStats } from './sandbox-stats.js';

export interface Faults {
  /** Share of requests answered 500/502/503. */
  errorRate: number;
  /** Delay added before every request is handled. */
  latencyMs: number;
  /**
   * Random delay on top of `latencyMs`: uniform in [0, latencyJitterMs) per request, drawn from the
   * injected `random`, so answers overtake each other as they do over a real network.
   */
  latencyJitterMs: number;
  /** Share of requests accepted and never answered. */
  timeoutRate: number;
  /** Share of requests whose connection is reset without a response. */
  resetRate: number;
}

export const NO_FAULTS: Faults = { errorRate: 0, latencyMs: 0, latencyJitterMs: 0, timeoutRate: 0, resetRate: 0 };

const SERVER_ERRORS = [
  { status: 500, message: 'Internal Server Error' },
  { status: 502, message: 'Bad Gateway' },
  { status: 503, message: 'Service Unavailable' },
] as const;

export interface FaultInjectorOptions {
  faults: () => Faults;
  random: () => number;
  sleep: (ms: number) => Promise<void>;
  stats: SandboxStats;
}

export interface FaultInjector {
  /** Fastify onRequest hook for the routes that faults apply to. */
  onRequest(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined>;
  /** Destroys the sockets of requests held open by a timeout fault. */
  releaseHungRequests(): void;
}

export function createFaultInjector(options: FaultInjectorOptions): FaultInjector {
  const { faults, random, sleep, stats } = options;
  const hung = new Set<Socket>();

  return {
    async onRequest(request, reply) {
      stats.requests += 1;
      const f = faults();
      const delayMs = f.latencyMs + (f.latencyJitterMs > 0 ? random() * f.latencyJitterMs : 0);
      if (delayMs > 0) {
        stats.faultsInjected.latency += 1;
        await sleep(delayMs);
      }
      if (f.resetRate > 0 && random() < f.resetRate) {
        stats.faultsInjected.reset += 1;
        reply.hijack();
        // RST instead of FIN, so the client sees ECONNRESET like a dropped upstream connection.
        request.raw.socket.resetAndDestroy();
        return reply;
      }
      if (f.timeoutRate > 0 && random() < f.timeoutRate) {
        stats.faultsInjected.timeout += 1;
        reply.hijack();
        const socket = request.raw.socket;
        hung.add(socket);
        socket.once('close', () => hung.delete(socket));
        return reply;
      }
      if (f.errorRate > 0 && random() < f.errorRate) {
        stats.faultsInjected.error += 1;
        const picked = SERVER_ERRORS[Math.floor(random() * SERVER_ERRORS.length)] ?? SERVER_ERRORS[0];
        return reply.code(picked.status).send({ statusCode: picked.status, message: picked.message });
      }
      return undefined;
    },
    releaseHungRequests() {
      for (const socket of hung) socket.destroy();
      hung.clear();
    },
  };
}

/**
 * Scripted faults for the sandbox's API routes: the next `count` requests fail the given way, then all
 * is normal again. Deterministic, so a test can say "one 503, then success" and assert the retry.
 * Accelevents publishes no rate limits, so a 429 comes only from here.
 */
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SandboxError } from '../highlevel/sandbox-errors.js';

export interface ScriptedFault {
  /** An HTTP status to answer with, `reset` (connection reset, no answer) or `hang` (never answered). */
  kind: number | 'reset' | 'hang';
  /** How many requests in a row. Default 1. */
  count?: number;
  /** Sent as Retry-After (seconds) with a 429. */
  retryAfterSeconds?: number;
}

export interface FaultQueue {
  failNext(fault: ScriptedFault): void;
  onRequest(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined>;
  releaseHung(): void;
  /** Requests answered with a scripted fault so far. */
  readonly injected: number;
}

export function checkFault(fault: unknown): Required<Omit<ScriptedFault, 'retryAfterSeconds'>> & ScriptedFault {
  const f = (typeof fault === 'object' && fault !== null ? fault : {}) as ScriptedFault;
  const okKind =
    f.kind === 'reset' ||
    f.kind === 'hang' ||
    (Number.isInteger(f.kind) && Number(f.kind) >= 400 && Number(f.kind) <= 599);
  if (!okKind)
    throw new SandboxError(
      'invalid_option',
      `kind must be an HTTP status 400-599, "reset" or "hang"; got ${JSON.stringify(f.kind)}`,
    );
  const count = f.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw new SandboxError(
      'invalid_option',
      `count must be a whole number from 1 to 1000, got ${JSON.stringify(f.count)}`,
    );
  }
  return { ...f, count };
}

export function createFaultQueue(): FaultQueue {
  const queue: ScriptedFault[] = [];
  const hung = new Set<Socket>();
  let injected = 0;
  return {
    failNext(fault) {
      const checked = checkFault(fault);
      for (let i = 0; i < checked.count; i++) queue.push(checked);
    },
    async onRequest(request, reply) {
      const fault = queue.shift();
      if (!fault) return undefined;
      injected += 1;
      if (fault.kind === 'reset' || fault.kind === 'hang') {
        reply.hijack();
        const socket = request.raw.socket;
        if (fault.kind === 'reset') socket.resetAndDestroy();
        else {
          hung.add(socket);
          socket.once('close', () => hung.delete(socket));
        }
        return reply;
      }
      if (fault.retryAfterSeconds !== undefined) reply.header('retry-after', String(fault.retryAfterSeconds));
      const message = fault.kind === 429 ? 'Too Many Requests' : 'Scripted sandbox fault';
      return reply.code(fault.kind).send({ message });
    },
    releaseHung() {
      for (const socket of hung) socket.destroy();
      hung.clear();
    },
    get injected() {
      return injected;
    },
  };
}

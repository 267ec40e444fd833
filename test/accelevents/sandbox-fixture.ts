/**
 * Starts the Accelevents sandbox on 127.0.0.1:0 with silent logs, and builds clients against it. Tests
 * close what they start in afterEach.
 */
import { Writable } from 'node:stream';
import type { AcceleventsAuthPreset } from '../../src/accelevents/auth-presets.js';
import { type AcceleventsClient, createAcceleventsClient } from '../../src/accelevents/client.js';
import type { AcceleventsClientOptions } from '../../src/accelevents/request-core.js';
import { createLogger, type Logger } from '../../src/lib/create-logger.js';
import {
  type AcceleventsSandbox,
  type AcceleventsSandboxOptions,
  startAcceleventsSandbox,
} from '../../src/sandbox/accelevents/create-sandbox.js';

export const SUMMIT = 'parley-spring-summit';
export const SPONSOR_DAY = 'parley-sponsor-day';

export async function startSandbox(options: AcceleventsSandboxOptions = {}): Promise<AcceleventsSandbox> {
  return startAcceleventsSandbox({ logger: createLogger({ level: 'silent' }), ...options });
}

export function clientFor(
  sandbox: AcceleventsSandbox,
  auth: { readAuth?: AcceleventsAuthPreset; writeAuth?: AcceleventsAuthPreset } = {},
  extra: Partial<AcceleventsClientOptions> = {},
): AcceleventsClient {
  return createAcceleventsClient({
    baseUrl: sandbox.url,
    apiKey: sandbox.apiKey,
    readAuth: auth.readAuth ?? 'authorization',
    writeAuth: auth.writeAuth ?? 'key',
    logger: createLogger({ level: 'silent' }),
    // Retries wait nothing in tests; the delays asked for are recorded by tests that care.
    sleep: async () => {},
    ...extra,
  });
}

/** A debug-level logger whose output is kept in memory, for asserting what reached the logs. */
export function capturingLogger(): { logger: Logger; output: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), output: () => chunks.join('') };
}

/** Resolves to the error a promise rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

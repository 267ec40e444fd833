/**
 * What `enqueue` accepts, checked before anything is written: a bad job is a programming mistake in
 * the caller (intake, a workflow), and the error names the field and what was expected.
 */
import { QueueError } from './queue-error.js';
import type { EnqueueInput } from './types.js';

export interface ValidEnqueueInput {
  kind: string;
  payloadJson: string;
  priority: number;
  runAt: number | undefined;
  maxAttempts: number | undefined;
  dedupeKey: string | undefined;
}

const DEFAULT_PRIORITY = 20; // PRIORITY.automation: neither ahead of welcomes nor behind backfill.

export function validateEnqueueInput(input: EnqueueInput): ValidEnqueueInput {
  if (typeof input !== 'object' || input === null) invalid('input', 'an object', input);
  const { kind, priority, runAt, maxAttempts, dedupeKey } = input;
  if (typeof kind !== 'string' || kind.trim() === '') invalid('kind', 'a non-empty string', kind);
  if (priority !== undefined && !Number.isInteger(priority)) invalid('priority', 'an integer', priority);
  if (runAt !== undefined && !Number.isFinite(runAt)) invalid('runAt', 'epoch milliseconds', runAt);
  if (maxAttempts !== undefined && (!Number.isInteger(maxAttempts) || maxAttempts < 1)) {
    invalid('maxAttempts', 'an integer ≥ 1', maxAttempts);
  }
  if (dedupeKey !== undefined && (typeof dedupeKey !== 'string' || dedupeKey === '')) {
    invalid('dedupeKey', 'a non-empty string', dedupeKey);
  }
  return {
    kind,
    payloadJson: serialisePayload(kind, input.payload),
    priority: priority ?? DEFAULT_PRIORITY,
    runAt: runAt === undefined ? undefined : Math.round(runAt),
    maxAttempts,
    dedupeKey,
  };
}

function serialisePayload(kind: string, payload: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(payload ?? null);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new QueueError('invalid_argument', `enqueue (${kind}): payload must be JSON-serialisable: ${reason}`);
  }
  if (json === undefined) {
    throw new QueueError(
      'invalid_argument',
      `enqueue (${kind}): payload must be JSON-serialisable; got ${typeof payload}`,
    );
  }
  return json;
}

function invalid(field: string, expected: string, got: unknown): never {
  // The value is shown only for scalars; the payload is never echoed (it may hold contact details).
  const shown = typeof got === 'object' && got !== null ? typeof got : (JSON.stringify(got) ?? String(got));
  throw new QueueError('invalid_argument', `enqueue: ${field} must be ${expected}; got ${shown}`);
}

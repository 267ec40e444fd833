/**
 * The contract every workflow step action fulfils: what it needs (HighLevel
 * operations and so scopes), whether it is unsafe (an effect HighLevel cannot deduplicate, such as a
 * send), which inputs it takes, and how it runs. Unsafe actions may say how to find the effect an
 * interrupted earlier attempt already had (the send guard, message-guard.ts).
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { CallInput, CallResult, HighLevelCaller } from '../../highlevel/client-types.js';
import type { PriorityLane } from '../../lib/priority-lanes.js';
import type { Question } from '../../preferences/question.js';
import type { Database } from '../../store/schema.js';

export interface ActionContext {
  highlevel: HighLevelCaller;
  db: Kysely<Database>;
  /** The HighLevel location the run acts for; default `locationId` of every call. */
  locationId: string;
  /** The rate scheduler lane the run's calls wait in. */
  lane: PriorityLane;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  logger: Logger;
  /** `startedAt`: when the run was first created (epoch ms); a retried run keeps its first start. */
  run: { id: string; workflow: string; key: string; startedAt?: number };
  /** The workflow's `question` block, for the actions that record or answer it. */
  question?: Question;
  signal?: AbortSignal;
}

export interface ActionInputSpec {
  name: string;
  required: boolean;
  /** Where a HighLevel action sends it, or what a composite action does with it. */
  place: 'path' | 'query' | 'body' | 'action';
  /** Filled from the run when the step does not give it (e.g. locationId from the event). */
  defaulted?: boolean;
  /** What a valid value is, worded to follow "expected" in an error (e.g. "the event's URL or id"). */
  description?: string;
  /** The only values accepted (an enum of the spec), when there is such a list. */
  values?: readonly string[];
}

export interface ActionSpec {
  name: string;
  description: string;
  /** HighLevel operations the action may call, the guard's included; its scopes follow from these. */
  operations: readonly string[];
  scopes: readonly string[];
  unsafe: boolean;
  /** Null when any keys are accepted (a body the spec does not describe). */
  inputs: readonly ActionInputSpec[] | null;
  /** Returns the step's output; undefined is stored as `{}` so a journaled output is never null. */
  execute(input: Record<string, unknown>, context: ActionContext): Promise<unknown>;
  /**
   * For unsafe actions: the effect an earlier, interrupted attempt had (sent at or after `since`,
   * epoch ms), as the output `execute` would have returned; null when there is none.
   */
  findPriorEffect?(input: Record<string, unknown>, context: ActionContext, since: number): Promise<unknown | null>;
}

/**
 * Every HighLevel call of a step goes through here: the run's location (unless the input names
 * one), its lane for the rate scheduler, and its abort signal. `lane` rides on the call input for
 * the scheduler's `beforeAttempt` hook.
 */
export async function callHighLevel<T = unknown>(
  context: ActionContext,
  operationId: string,
  input: CallInput,
): Promise<CallResult<T>> {
  const full: CallInput & { lane: PriorityLane } = {
    locationId: context.locationId,
    ...input,
    lane: context.lane,
    ...(context.signal ? { signal: context.signal } : {}),
  };
  return context.highlevel.call<T>(operationId, full);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

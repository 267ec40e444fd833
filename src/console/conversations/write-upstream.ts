/**
 * How every console write reaches HighLevel: inside `runAs(user:<id>)` so the audit trail names the
 * user, on the `agent` lane the rate scheduler serves first, with the two failures a writer must
 * tell apart from a plain 502 turned into console errors here.
 */
import type { HighLevelClient } from '../../highlevel/client.js';
import { HighLevelError } from '../../highlevel/errors.js';
import type { Caller } from '../auth/resolve-caller.js';
import { actorOf, type ConsoleDeps } from '../console-deps.js';
import { ConsoleError } from '../console-error.js';
import { upstreamFailure } from './upstream-sentences.js';

/** Options every write passes to the client: the agent lane and the location whose token to use. */
export interface WriteCallOptions {
  lane: 'agent';
  locationId: string;
}

export async function callHighLevel<T>(
  deps: Pick<ConsoleDeps, 'highlevel'>,
  caller: Pick<Caller, 'userId'>,
  locationId: string,
  call: (client: HighLevelClient, options: WriteCallOptions) => Promise<T>,
  /** What the call does, in the infinitive ("send the reply"), for the sentence a failure becomes. */
  what = 'make this change',
): Promise<T> {
  try {
    return await deps.highlevel.runAs(actorOf(caller), () =>
      call(deps.highlevel.client, { lane: 'agent', locationId }),
    );
  } catch (error) {
    throw mapWriteFailure(error, what);
  }
}

function mapWriteFailure(error: unknown, what: string): unknown {
  if (!(error instanceof HighLevelError)) return error;
  if (error.code === 'cancel_failed') {
    // HighLevel answers 200 with the failure in the body (spec defect cancel-schedule-200-error,
    // docs/highlevel-api.md): usually the message was already sent or cancelled.
    return new ConsoleError(
      'invalid_request',
      'HighLevel did not cancel the scheduled send: it has most likely gone out or been cancelled already. Reload the conversation to see its state.',
      { upstream: { code: error.code, status: error.status, traceId: error.traceId } },
    );
  }
  if (error.ambiguous) {
    // The client never retries a send it cannot deduplicate (src/highlevel/retry-policy.ts); the agent must look first.
    return new ConsoleError(
      'upstream_failed',
      `HighLevel stopped answering after parley asked it to ${what}, so it may or may not have happened. Look at the conversation before trying again, so nothing is sent twice.`,
      { upstream: { code: error.code, status: error.status, traceId: error.traceId, ambiguous: true } },
    );
  }
  return upstreamFailure(error, what);
}

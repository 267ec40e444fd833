/**
 * The hook the actions that write to HighLevel call once a call succeeded: it records the effect in the
 * local index (src/search/parley-writes.ts), so an agent finds a conversation parley created, and the
 * welcome it sent, at once. HighLevel has done the work by then, so a failed index write is logged and
 * never fails the step (a retried send would reach the contact twice); the webhook or the next index
 * sync brings the rows in instead.
 */
import { indexActionWrite, indexWrittenConversation } from '../../search/parley-writes.js';
import type { ActionContext } from './action-types.js';

async function recorded(context: ActionContext, what: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    context.logger.warn(
      { err: error, runId: context.run.id, workflow: context.run.workflow, what },
      'HighLevel accepted the call, but the local index could not record it; the webhook or the next index sync will',
    );
  }
}

/** After a successful call of a `highlevel.<operationId>` step or a composite action's call. */
export async function indexWhatWeWrote(
  context: ActionContext,
  operationId: string,
  call: { body?: unknown; path?: unknown; query?: unknown },
  answer: unknown,
  extras: Record<string, unknown> = {},
): Promise<void> {
  await recorded(context, operationId, () =>
    indexActionWrite(context.db, {
      operationId,
      call,
      extras,
      answer,
      locationId: context.locationId,
      now: context.now(),
    }),
  );
}

/** After `conversations.find-or-create`: the contact's conversation, found or created. */
export async function indexFoundConversation(
  context: ActionContext,
  found: { id: string; contactId: string; locationId: string },
): Promise<void> {
  await recorded(context, 'conversations.find-or-create', () =>
    indexWrittenConversation(context.db, {
      conversationId: found.id,
      locationId: found.locationId,
      contactId: found.contactId,
      now: context.now(),
    }),
  );
}

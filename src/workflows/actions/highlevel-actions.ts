/**
 * Every Conversations operation as a step, `highlevel.<operationId>`, generated from
 * CONVERSATION_OPERATIONS. `with` becomes the
 * call's path, query and body by the operation's parameter lists (operation-inputs.ts). Unsafe
 * operations are those the request core will not repeat (retry-policy.ts UNSAFE_OPERATIONS); the two
 * that create a message with a body also get the send guard.
 */
import { CONVERSATION_OPERATIONS } from '../../highlevel/generated/operations.js';
import { findOperation } from '../../highlevel/operation-catalog.js';
import type { OperationDescriptor } from '../../highlevel/operation-descriptor.js';
import { UNSAFE_OPERATIONS } from '../../highlevel/retry-policy.js';
import { type ActionContext, type ActionSpec, callHighLevel, isRecord } from './action-types.js';
import { indexWhatWeWrote } from './index-what-we-wrote.js';
import { findSentMessage, sentBodyOf } from './message-guard.js';
import { operationInputs, toCallInput } from './operation-inputs.js';

export const HIGHLEVEL_ACTION_PREFIX = 'highlevel.';

/** Operations whose effect the guard can find, and the extra operations it calls to look. */
const GUARDED: Record<string, readonly string[]> = {
  'send-a-new-message': ['get-messages', 'search-conversation'],
  'add-an-inbound-message': ['get-messages'],
};

function scopesOf(operations: readonly string[]): string[] {
  return [...new Set(operations.flatMap((id) => findOperation(id).scopes))].sort();
}

/**
 * A download's bytes do not belong in the journal (it is stored per step, and attendee data is kept to
 * a minimum): binary answers are recorded by size, text downloads (transcripts) as their text.
 */
function toOutput(data: unknown, download: { contentType: string | null; filename: string | null } | undefined) {
  if (download === undefined) return data ?? {};
  if (Buffer.isBuffer(data)) return { ...download, bytes: data.length };
  return { ...download, text: data };
}

function guardFor(op: OperationDescriptor): ActionSpec['findPriorEffect'] {
  if (op.operationId === 'send-a-new-message') {
    return async (input, context, since) => {
      const { call, extras } = toCallInput(op, input, context.locationId);
      const body = isRecord(call.body) ? call.body : {};
      const found = await findSentMessage(context, {
        ...(typeof extras.conversationId === 'string' ? { conversationId: extras.conversationId } : {}),
        ...(typeof body.contactId === 'string' ? { contactId: body.contactId } : {}),
        body: sentBodyOf(body),
        direction: 'outbound',
        since,
      });
      return found && { conversationId: found.conversationId, messageId: found.messageId, status: found.status };
    };
  }
  if (op.operationId === 'add-an-inbound-message') {
    return async (input, context, since) => {
      const { call } = toCallInput(op, input, context.locationId);
      const body = isRecord(call.body) ? call.body : {};
      if (typeof body.conversationId !== 'string') return null;
      const exactDate = typeof body.date === 'string' ? Date.parse(body.date) : Number.NaN;
      const direction = body.direction === 'inbound' || body.direction === 'outbound' ? body.direction : null;
      const found = await findSentMessage(context, {
        conversationId: body.conversationId,
        body: sentBodyOf(body),
        direction,
        since,
        ...(Number.isNaN(exactDate) ? {} : { exactDate }),
      });
      return found && { success: true, conversationId: found.conversationId, messageId: found.messageId };
    };
  }
  return undefined;
}

export function highLevelAction(op: OperationDescriptor): ActionSpec {
  const operations = [op.operationId, ...(GUARDED[op.operationId] ?? [])];
  const guard = guardFor(op);
  return {
    name: `${HIGHLEVEL_ACTION_PREFIX}${op.operationId}`,
    description: `${op.method} ${op.path}`,
    operations,
    scopes: scopesOf(operations),
    unsafe: UNSAFE_OPERATIONS.has(op.operationId),
    inputs: operationInputs(op),
    async execute(input: Record<string, unknown>, context: ActionContext) {
      const { call, extras } = toCallInput(op, input, context.locationId);
      const result = await callHighLevel(context, op.operationId, call);
      await indexWhatWeWrote(context, op.operationId, call, result.data, extras);
      return toOutput(result.data, result.download);
    },
    ...(guard ? { findPriorEffect: guard } : {}),
  };
}

export const HIGHLEVEL_ACTIONS: readonly ActionSpec[] = CONVERSATION_OPERATIONS.map(highLevelAction);

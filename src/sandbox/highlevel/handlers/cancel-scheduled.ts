/**
 * cancel-scheduled-message and cancel-scheduled-email-message. Both answer HTTP 200 even when nothing
 * was cancelled, with the failure in the body's `status` (404 unknown, 400 not cancellable): defect
 * `cancel-schedule-200-error` in src/highlevel/spec/spec-defects.ts.
 *
 * A cancelled message counts as deleted on the read side (the endpoint is a DELETE, and the read-side
 * status enum has no "cancelled"); the record stays so a second cancel answers 400, not 404.
 */
import type { components } from '../../../highlevel/generated/conversations.js';
import type { MessageRecord } from '../state/records.js';
import type { SandboxPrincipal, SandboxResponse } from '../types.js';
import { assertLocation } from './access.js';
import type { HandlerDeps, HandlerMap } from './handler-deps.js';

type CancelBody = components['schemas']['CancelScheduledResponseDto'];

const FAILED = 'Failed cancel the scheduled message';

function cancel(
  message: MessageRecord | undefined,
  principal: SandboxPrincipal,
  now: number,
  unschedule: (m: MessageRecord) => void,
): SandboxResponse {
  if (!message) return answer({ status: 404, message: FAILED });
  assertLocation(principal, message.locationId);
  const cancellable = message.status === 'scheduled' && message.scheduledAt !== null && message.scheduledAt > now;
  if (!cancellable) return answer({ status: 400, message: FAILED });
  message.status = 'cancelled';
  message.dateUpdated = now;
  unschedule(message);
  return answer({ status: 200, message: 'Scheduled message cancelled successfully' });
}

function answer(body: CancelBody): SandboxResponse {
  return { status: 200, body };
}

export function cancelScheduledHandlers({ state }: HandlerDeps): HandlerMap {
  const unschedule = (m: MessageRecord) => state.messages.unschedule(m);
  return {
    'cancel-scheduled-message': (req, ctx) =>
      cancel(state.messages.get(req.params.messageId ?? ''), req.principal, ctx.now(), unschedule),
    'cancel-scheduled-email-message': (req, ctx) =>
      cancel(state.messages.getByEmailId(req.params.emailMessageId ?? ''), req.principal, ctx.now(), unschedule),
  };
}

/**
 * One action call: parse the body, run the action's handler, and answer within the action's timeout
 * (action-catalog.ts). At the timeout the work is told to stop (its signal) and HighLevel gets the
 * failure branch with `reason` saying so; a send cut off there is safe to repeat (send-message.ts).
 */
import { type ActionKey, branchIdOf, findMarketplaceAction, isActionKey } from '../action-catalog.js';
import { MarketplaceActionError } from './action-error.js';
import { invalidRequest, parseActionRequest } from './action-request.js';
import type { ActionCall, ActionServices } from './action-services.js';
import { addNote } from './add-note.js';
import { checkInAttendee } from './check-in-attendee.js';
import { lookupAttendee } from './lookup-attendee.js';
import { sendMessage } from './send-message.js';

type Handler = (services: ActionServices, call: ActionCall) => Promise<Record<string, unknown>>;

const HANDLERS: Record<ActionKey, Handler> = {
  parley_lookup_attendee: lookupAttendee,
  parley_check_in_attendee: checkInAttendee,
  parley_add_note: addNote,
  parley_send_message: sendMessage,
};

/** The branch HighLevel follows when parley could not finish: every action's second branch. */
function timedOut(key: ActionKey, timeoutMs: number): Record<string, unknown> {
  const action = findMarketplaceAction(key);
  const failure = action.branches[1];
  return {
    branchId: failure ? failure.id : branchIdOf(action, action.branches[0]?.key ?? ''),
    reason: `timeout: parley did not finish within ${timeoutMs / 1000} s`,
  };
}

export function actionKeyOf(raw: string): ActionKey {
  if (!isActionKey(raw)) {
    throw new MarketplaceActionError('unknown_action', `no marketplace action named ${JSON.stringify(raw)}`);
  }
  return raw;
}

export async function runMarketplaceAction(
  services: ActionServices,
  rawKey: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const key = actionKeyOf(rawKey);
  const request = parseActionRequest(body);
  if (request.meta.key !== null && request.meta.key !== key) {
    throw invalidRequest(
      `meta.key: expected ${key} (the action this URL runs), got ${JSON.stringify(request.meta.key)}`,
    );
  }
  const timeoutMs = services.deps.timeoutsMs?.[key] ?? findMarketplaceAction(key).timeoutMs;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Record<string, unknown>>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve(timedOut(key, timeoutMs));
    }, timeoutMs);
  });
  try {
    const work = HANDLERS[key](services, { request, signal: controller.signal });
    // The work may still fail after the deadline answered; that failure is logged, not thrown.
    work.catch((error) => {
      if (controller.signal.aborted)
        services.deps.logger.warn({ err: error, action: key }, 'marketplace action ended after its timeout');
    });
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

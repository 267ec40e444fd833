/**
 * `parley_send_message`: renders the workflow's message with parley's template engine (the attendee,
 * ticket, event and preferences of the lookup; src/lib/template-engine.ts) and sends it in the
 * contact's conversation through the workflow engine's own steps (`conversations.find-or-create`,
 * then `highlevel.send-a-new-message`, src/workflows/actions). The run is keyed by once-key.ts, so the
 * journal (src/workflows/run-workflow.ts) makes a repeated call answer the first call's message
 * instead of sending again, and a call cut off mid-send is finished by the send guard
 * (src/workflows/actions/message-guard.ts), never sent twice.
 *
 * The same call arriving again while the first is still sending waits for it: in this process through
 * the promise it left in `sends`, in another process (several `parley serve` behind a load balancer)
 * by watching the run's row until it is no longer running. Without the wait, the second call would
 * find the send `started`, take it for an interrupted attempt and ask the send guard, which cannot yet
 * see a message HighLevel has not stored, and send it again. A run still `running` after
 * OTHER_SEND_ABANDONED_MS is taken for one whose process died, and the guard handles it.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { VersionedWorkflow } from '../../workflows/definition-schema.js';
import { runWorkflow } from '../../workflows/run-workflow.js';
import { describeFailure, WorkflowError } from '../../workflows/workflow-error.js';
import { branchIdOf, findMarketplaceAction } from '../action-catalog.js';
import { invalidRequest, textField } from './action-request.js';
import { type ActionCall, type ActionServices, attendeeFinderDeps } from './action-services.js';
import { findAttendee } from './find-attendee.js';
import { onceKey } from './once-key.js';

const ACTION = findMarketplaceAction('parley_send_message');
export const SEND_WORKFLOW_NAME = 'marketplace-send-message';
export const CHANNELS = ['auto', 'SMS', 'Email'] as const;
const MAX_MESSAGE_LENGTH = 5000;
/** An Email needs a subject; the builder asks for one (dynamic-fields.ts), this covers "SMS, else Email" left empty. */
const DEFAULT_SUBJECT = 'A message from the event team';

function definitionFor(message: string): VersionedWorkflow {
  return {
    name: SEND_WORKFLOW_NAME,
    description: 'a message a HighLevel workflow sent through the parley_send_message marketplace action',
    trigger: 'accelevents.registration',
    lane: 'welcome',
    steps: [
      { id: 'conversation', action: 'conversations.find-or-create', with: { contactId: '{{ contact.id }}' } },
      {
        id: 'send',
        action: 'highlevel.send-a-new-message',
        with: {
          type: '{{ marketplace.channel }}',
          contactId: '{{ contact.id }}',
          conversationId: '{{ steps.conversation.id }}',
          // Empty for SMS, and then left out of the request.
          subject: '{{ marketplace.subject }}',
          message: '{{ templates.message }}',
        },
      },
    ],
    templates: { message },
  };
}

/**
 * How long a send of the same call by another process is waited for, from when its run started: the
 * action answers within 8 s (action-catalog.ts) and a HighLevel call gives up well within a minute, so
 * a run older than this has lost its process.
 */
export const OTHER_SEND_ABANDONED_MS = 60_000;

/** Waits while another process's run under this trigger key is sending; returns at once when none is. */
async function otherProcessSend(
  db: Kysely<Database>,
  triggerKey: string,
  now: () => number,
  signal: AbortSignal,
): Promise<void> {
  for (let pause = 25; !signal.aborted; pause = Math.min(pause * 2, 250)) {
    const run = await db
      .selectFrom('workflow_runs')
      .select(['status', 'started_at'])
      .where('trigger_key', '=', triggerKey)
      .executeTakeFirst();
    if (run?.status !== 'running' || now() - Number(run.started_at) > OTHER_SEND_ABANDONED_MS) return;
    await delay(pause, undefined, { signal }).catch(() => undefined);
  }
}

/**
 * Runs `start` once no other process is sending the same call (`wait`), and again after waiting when
 * another process started the same run between that look and this start (`step_in_progress`).
 */
async function afterOtherSends<T>(start: () => Promise<T>, wait: () => Promise<void>, signal: AbortSignal): Promise<T> {
  for (;;) {
    await wait();
    if (signal.aborted) throw new WorkflowError('step_in_progress', 'the same call is still sending elsewhere');
    try {
      return await start();
    } catch (error) {
      if (!(error instanceof WorkflowError && error.code === 'step_in_progress')) throw error;
    }
  }
}

/** `auto`: SMS when parley knows a phone for the contact, else Email. */
async function channelOf(db: Kysely<Database>, locationId: string, contactId: string, asked: string) {
  if (asked !== 'auto') return asked;
  const known = await db
    .selectFrom('index_contacts')
    .select('phone')
    .where('location_id', '=', locationId)
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  return known?.phone ? 'SMS' : 'Email';
}

function failed(reason: string, channel: string): Record<string, unknown> {
  return {
    branchId: branchIdOf(ACTION, 'failed'),
    sent: false,
    duplicate: false,
    messageId: '',
    conversationId: '',
    channel,
    reason,
  };
}

export async function sendMessage(services: ActionServices, call: ActionCall): Promise<Record<string, unknown>> {
  const { request } = call;
  const { deps, engine } = services;
  const message = textField(request.data, 'message', { required: true, maxLength: MAX_MESSAGE_LENGTH }) ?? '';
  const asked = textField(request.data, 'channel', { allowed: CHANNELS }) ?? 'auto';
  const subject = textField(request.data, 'subject', { maxLength: 300 });
  const oncePer = textField(request.data, 'oncePer', { maxLength: 200 });
  const problem = engine.checkTemplate(message);
  if (problem) {
    throw invalidRequest(`data.message: ${problem.message} (line ${problem.line}, column ${problem.col})`);
  }
  const contactId = request.extras.contactId;
  if (contactId === null) throw invalidRequest('extras.contactId: expected the HighLevel contact id to send to');
  const { locationId } = request.extras;
  const channel = await channelOf(deps.db, locationId, contactId, asked);
  const found = await findAttendee(await attendeeFinderDeps(services, call.signal), {
    locationId,
    contactId,
    email: null,
    event: null,
  });
  const emailSubject = subject ?? (found?.event.name ? `A message about ${found.event.name}` : DEFAULT_SUBJECT);
  const runKey = `marketplace:${onceKey(request, [message, channel, subject, oncePer])}`;
  // The same call again while the first is still sending waits for it (see the file comment). The
  // promise is in `sends` before the first await, so a concurrent call here always finds it.
  const inFlight = services.sends.get(runKey);
  const run =
    inFlight ??
    afterOtherSends(
      () =>
        deps.highlevel.runAs(`marketplace:${request.extras.workflowId ?? 'workflow'}`, () =>
          runWorkflow({
            definition: definitionFor(message),
            event: {
              key: runKey,
              locationId,
              data: {
                contact: { id: contactId },
                attendee: found?.attendee ?? { contactId },
                ticket: found?.ticket ?? {},
                event: found?.event ?? {},
                checkIn: found?.checkIn ?? {},
                preferences: found?.preferences ?? {},
                marketplace: { channel, subject: channel === 'Email' ? emailSubject : '' },
              },
            },
            deps: {
              db: deps.db,
              highlevel: deps.highlevel.client,
              logger: deps.logger,
              now: services.now,
              signal: call.signal,
            },
          }),
        ),
      () => otherProcessSend(deps.db, `${SEND_WORKFLOW_NAME}:${runKey}`, services.now, call.signal),
      call.signal,
    );
  if (!inFlight) {
    services.sends.set(runKey, run);
    run.then(
      () => services.sends.delete(runKey),
      () => services.sends.delete(runKey),
    );
  }
  try {
    const outcome = await run;
    const conversation = outcome.outputs.conversation as { id?: string } | undefined;
    const sent = outcome.outputs.send as { messageId?: string } | undefined;
    return {
      branchId: branchIdOf(ACTION, 'sent'),
      sent: true,
      duplicate: inFlight !== undefined || outcome.alreadyFinished,
      messageId: sent?.messageId ?? '',
      conversationId: conversation?.id ?? '',
      channel,
      reason: '',
    };
  } catch (error) {
    const failure = describeFailure(error);
    deps.logger.warn({ code: failure.code, locationId }, 'marketplace send: the message was not sent');
    return failed(`${failure.code}: ${failure.message}`, channel);
  }
}

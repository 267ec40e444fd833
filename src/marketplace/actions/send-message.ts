/**
 * `parley_send_message`: renders the workflow's message with parley's template engine (the attendee,
 * ticket, event and preferences of the lookup; src/lib/template-engine.ts) and sends it in the
 * contact's conversation through the workflow engine's own steps (`conversations.find-or-create`,
 * then `highlevel.send-a-new-message`, src/workflows/actions). The run is keyed by once-key.ts, so the
 * journal (src/workflows/run-workflow.ts) makes a repeated call answer the first call's message
 * instead of sending again, and a call cut off mid-send is finished by the send guard
 * (src/workflows/actions/message-guard.ts), never sent twice.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { VersionedWorkflow } from '../../workflows/definition-schema.js';
import { runWorkflow } from '../../workflows/run-workflow.js';
import { describeFailure } from '../../workflows/workflow-error.js';
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
  // The same call again while the first is still sending waits for it: the journal alone would let
  // the second, finding the send started but not finished, look for the message before HighLevel has it.
  const inFlight = services.sends.get(runKey);
  const run =
    inFlight ??
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

/**
 * The `highlevel.event` job (enqueued by POST /hooks/highlevel with `{ inboxId }`): an InboundMessage
 * routes it to the sponsors it names (route-to-sponsors.ts) and runs the `highlevel.inbound_message`
 * workflows (check-in preference replies, the sponsor channel's contact tag).
 * Other message events (OutboundMessage, ConversationUnreadUpdate) have no workflow trigger yet and
 * are marked processed.
 *
 * The webhook carries ids and the text, not the contact's tags, so the handler reads the contact
 * (get-contact, lane automation) and adds `contact` (id, tags, names) to the scope; and the
 * contact's attendee links, so a workflow can tell a check-in attendee (`links.checkIn`) from a
 * registrant. Run key: `message:<messageId>` (else the webhookId), one run per inbound message.
 */

import type { Kysely } from 'kysely';
import type { HighLevelCaller } from '../../highlevel/client-types.js';
import type { JobHandler } from '../../queue/types.js';
import { applyWebhookEventTo } from '../../search/apply-webhook-event.js';
import type { SponsorConfig } from '../../search/sponsor-settings.js';
import type { Database } from '../../store/schema.js';
import type { RunOutcome } from '../../workflows/run-workflow.js';
import { currentWorkflows } from '../../workflows/workflow-source.js';
import type { RunTriggeredDeps } from '../run-triggered.js';
import { runTriggered } from '../run-triggered.js';
import { inboxIdOf, loadInboxRow, markInbox } from './inbox-rows.js';
import type { MarketplacePlanner } from './marketplace-planner.js';
import { nameIndexedContact } from './name-indexed-contact.js';
import { routeToSponsors } from './route-to-sponsors.js';

export type HighLevelEventHandlerDeps = Omit<RunTriggeredDeps, 'signal'> & {
  /** Config `sponsor.sponsors` when the sponsor channel is on: inbound messages are routed to them. */
  sponsors?: readonly SponsorConfig[];
  /** The `marketplace` feature: a matched preference answer fires `parley_preference_answered`. */
  marketplace?: MarketplacePlanner;
};

/** attendee_links.event_key prefix the check-in workflow saves under (workflows/builtin/checkin-welcome.yaml). */
export const CHECK_IN_LINK_PREFIX = 'check-in:';

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

async function contactOf(
  highlevel: HighLevelCaller,
  contactId: string,
  locationId: string,
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  const result = await highlevel.call<{ contact?: Record<string, unknown> }>('get-contact', {
    path: { contactId },
    locationId,
    lane: 'automation',
    signal,
  });
  const contact = result.data.contact ?? {};
  const tags = Array.isArray(contact.tags) ? contact.tags.filter((t): t is string => typeof t === 'string') : [];
  return {
    id: contactId,
    tags,
    firstName: text(contact.firstName),
    lastName: text(contact.lastName),
    email: text(contact.email),
    phone: text(contact.phone),
  };
}

async function linksOf(db: Kysely<Database>, locationId: string, contactId: string) {
  const rows = await db
    .selectFrom('attendee_links')
    .selectAll()
    .where('location_id', '=', locationId)
    .where('contact_id', '=', contactId)
    .execute();
  const checkIn = rows.find((row) => row.event_key.startsWith(CHECK_IN_LINK_PREFIX));
  return {
    checkIn: checkIn
      ? { eventKey: checkIn.event_key.slice(CHECK_IN_LINK_PREFIX.length), attendeeId: checkIn.attendee_id }
      : null,
    registered: rows.some((row) => !row.event_key.startsWith(CHECK_IN_LINK_PREFIX)),
  };
}

/** The answers `preferences.answer` steps matched in these runs (src/workflows/actions/preferences-answer.ts). */
async function matchedAnswers(
  workflows: HighLevelEventHandlerDeps['workflows'],
  outcomes: readonly RunOutcome[],
): Promise<{ key: string; value: string | null; label: string | null }[]> {
  const definitions = new Map((await currentWorkflows(workflows)).map((w) => [w.name, w]));
  const answers: { key: string; value: string | null; label: string | null }[] = [];
  for (const outcome of outcomes) {
    const steps = definitions.get(outcome.workflow)?.steps ?? [];
    for (const step of outcome.steps) {
      if (steps.find((s) => s.id === step.id)?.action !== 'preferences.answer') continue;
      const output = step.output as { status?: unknown; key?: unknown; value?: unknown; label?: unknown } | null;
      if (output?.status !== 'matched' || typeof output.key !== 'string') continue;
      answers.push({
        key: output.key,
        value: typeof output.value === 'string' ? output.value : null,
        label: typeof output.label === 'string' ? output.label : null,
      });
    }
  }
  return answers;
}

export function highLevelEventHandler(deps: HighLevelEventHandlerDeps): JobHandler {
  const now = deps.now ?? Date.now;
  const sponsors = deps.sponsors ?? [];
  // Routing to sponsors needs the contact's tags too, even with no inbound-message workflow loaded.
  const wanted = async () =>
    sponsors.length > 0 ||
    (await currentWorkflows(deps.workflows)).some((w) => w.trigger === 'highlevel.inbound_message');
  return async (job, context) => {
    const inboxId = inboxIdOf(job);
    const row = await loadInboxRow(deps.db, inboxId);
    if (row.status === 'processed' || row.status === 'ignored') return;
    const event = JSON.parse(row.body) as Record<string, unknown>;
    // The local index mirrors every message event before any workflow runs, so search is current; it is
    // idempotent on the message id, so a retried job does not count an inbound message twice.
    await applyWebhookEventTo(deps.db, event, now());
    await nameIndexedContact(deps.db, event, {
      lookup: (contactId, locationId) => contactOf(deps.highlevel, contactId, locationId, context.signal),
      now: now(),
      logger: deps.logger,
    });
    const locationId = text(event.locationId);
    const contactId = text(event.contactId);
    const id = text(event.messageId) ?? text(event.webhookId) ?? inboxId;
    if (event.type === 'InboundMessage' && locationId && contactId && (await wanted())) {
      const contact = await contactOf(deps.highlevel, contactId, locationId, context.signal);
      const links = await linksOf(deps.db, locationId, contactId);
      const message = {
        id,
        body: text(event.body) ?? '',
        messageType: text(event.messageType),
        contactId,
        conversationId: text(event.conversationId),
        locationId,
        dateAdded: text(event.dateAdded),
      };
      const sponsorChannel = await routeToSponsors(
        deps.db,
        sponsors,
        { ...message, messageId: id, tags: Array.isArray(contact.tags) ? contact.tags : [] },
        now(),
      );
      const outcomes = await runTriggered({ ...deps, signal: context.signal }, 'highlevel.inbound_message', {
        key: `message:${id}`,
        locationId,
        data: { message, contact, links, sponsorChannel },
      });
      if (deps.marketplace) {
        for (const answer of await matchedAnswers(deps.workflows, outcomes)) {
          await deps.marketplace.preferenceAnswered({
            locationId,
            contactId,
            answer,
            raw: message.body || null,
            checkIn: links.checkIn,
            person: {
              firstName: text(contact.firstName),
              lastName: text(contact.lastName),
              email: text(contact.email),
              phone: text(contact.phone),
            },
          });
        }
      }
    }
    await markInbox(deps.db, inboxId, 'processed', now());
  };
}

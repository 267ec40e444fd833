/**
 * Where the job side tells the marketplace what happened (src/marketplace/plan-firings.ts): an
 * Accelevents delivery's triggers, a session that ended (per attendee), a preference answer matched
 * by a `preferences.answer` step. Given to the handlers only when the `marketplace` feature is on;
 * absent, nothing is planned. Each happening's id is the workflow run key of the same happening, so a
 * duplicate delivery or a replay plans nothing new.
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../../lib/create-logger.js';
import { linkedContactId, noFirings, type PlannedFirings, planFirings } from '../../marketplace/plan-firings.js';
import type { TriggerKey } from '../../marketplace/trigger-catalog.js';
import type { Queue } from '../../queue/types.js';
import type { Database } from '../../store/schema.js';
import type { TriggerName } from '../../workflows/triggers.js';
import type { AcceleventsEventData } from '../accelevents-event-data.js';

/** The marketplace trigger each workflow trigger fires; a ticket purchase is its registration's. */
const MARKETPLACE_TRIGGERS: Partial<Record<TriggerName, TriggerKey>> = {
  'accelevents.registration': 'accelevents_attendee_registered',
  'accelevents.check_in': 'accelevents_attendee_checked_in',
  'accelevents.ticket_status_changed': 'accelevents_ticket_status_changed',
  'accelevents.session_check_in': 'accelevents_session_checked_in',
};

type Fields = Record<string, unknown>;

export interface MarketplacePlanner {
  /** The firings planned for the delivery's triggers, all subscriptions together. */
  acceleventsEvent(event: AcceleventsEventData, locationId: string): Promise<PlannedFirings>;
  sessionEnded(input: {
    key: string;
    locationId: string;
    attendee: object;
    event: object;
    session: object;
  }): Promise<void>;
  preferenceAnswered(input: {
    locationId: string;
    contactId: string;
    answer: { key: string; value: string | null; label: string | null };
    raw: string | null;
    /** The check-in link of the contact (its Accelevents attendee and event), when parley has one. */
    checkIn: { eventKey: string; attendeeId: string } | null;
    /** The contact as HighLevel has it: parley made it from the attendee's registration. */
    person?: { firstName: string | null; lastName: string | null; email: string | null; phone: string | null };
  }): Promise<void>;
  /** Whether any location subscribes to `key` (pollers skip work nobody wants). */
  subscribed(key: TriggerKey): Promise<boolean>;
}

export interface MarketplacePlannerDeps {
  db: Kysely<Database>;
  queue: Queue;
  logger: Logger;
  now?: () => number;
}

function strings(fields: object): Record<string, string | null> {
  return Object.fromEntries(
    Object.entries(fields as Fields).map(([k, v]) => [
      k,
      typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null,
    ]),
  );
}

export function createMarketplacePlanner(deps: MarketplacePlannerDeps): MarketplacePlanner {
  const now = deps.now ?? Date.now;
  const plan = { db: deps.db, queue: deps.queue, logger: deps.logger, now };
  return {
    async acceleventsEvent(event, locationId) {
      const attendee = event.data.attendee;
      const contactId = await linkedContactId(deps.db, {
        locationId,
        eventKey: event.eventKey,
        attendeeId: attendee.id ?? null,
      });
      const planned = new Set<TriggerKey>();
      const firings = noFirings();
      for (const { trigger, key } of event.triggers) {
        const triggerKey = MARKETPLACE_TRIGGERS[trigger];
        if (!triggerKey || planned.has(triggerKey)) continue;
        planned.add(triggerKey);
        const one = await planFirings(plan, {
          triggerKey,
          id: key,
          locationId,
          occurredAt: now(),
          contactId,
          attendee,
          event: event.data.event,
          ...(event.data.session ? { session: event.data.session } : {}),
        });
        firings.queued += one.queued;
        firings.filtered += one.filtered;
        firings.duplicates += one.duplicates;
      }
      return firings;
    },
    async sessionEnded(input) {
      const attendee = strings(input.attendee);
      const event = strings(input.event);
      const contactId = await linkedContactId(deps.db, {
        locationId: input.locationId,
        eventKey: event.key ?? null,
        attendeeId: attendee.id ?? null,
      });
      await planFirings(plan, {
        triggerKey: 'accelevents_session_ended',
        id: input.key,
        locationId: input.locationId,
        occurredAt: now(),
        contactId,
        attendee,
        event,
        session: strings(input.session),
      });
    },
    async preferenceAnswered(input) {
      // parley keeps no attendee record beyond the link: the ids come from it, the name, email and phone
      // from the HighLevel contact the attendee's registration made (the reply's handler read it anyway).
      const link = input.checkIn;
      await planFirings(plan, {
        triggerKey: 'parley_preference_answered',
        id: `preference:${input.contactId}:${input.answer.key}`,
        locationId: input.locationId,
        occurredAt: now(),
        contactId: input.contactId,
        attendee: { id: link?.attendeeId ?? null, ...input.person },
        event: { key: link?.eventKey ?? null },
        preference: { ...input.answer, answer: input.raw },
      });
    },
    async subscribed(key) {
      const row = await deps.db
        .selectFrom('marketplace_subscriptions')
        .select('trigger_id')
        .where('trigger_key', '=', key)
        .where('status', '=', 'active')
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}

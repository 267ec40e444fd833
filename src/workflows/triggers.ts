/**
 * What can start a workflow, the fields each puts in the template scope, the HighLevel scopes it
 * needs, and the queue lane its runs default to (welcomes before automation).
 */

import { WEBHOOK_EVENT_SCOPES } from '../highlevel/webhook-event-scopes.js';
import type { PriorityLane } from '../lib/priority-lanes.js';

export const TRIGGER_NAMES = [
  'accelevents.registration',
  'accelevents.check_in',
  'accelevents.ticket_purchase',
  'accelevents.ticket_status_changed',
  'accelevents.session_check_in',
  'highlevel.inbound_message',
  'session.ended',
] as const;

export type TriggerName = (typeof TRIGGER_NAMES)[number];

export interface TriggerSpec {
  name: TriggerName;
  description: string;
  /** Template variables the event fills (besides `location`, `steps` and `run`, which every run has). */
  fields: readonly string[];
  /** HighLevel scopes needed to receive the trigger at all (webhook events; see features.ts). */
  scopes: readonly string[];
  lane: PriorityLane;
  source: 'accelevents webhook' | 'highlevel webhook' | 'poller';
}

export const TRIGGERS: Record<TriggerName, TriggerSpec> = {
  'accelevents.registration': {
    name: 'accelevents.registration',
    description: 'an attendee registered for an event (Accelevents webhook or reconciliation)',
    fields: ['attendee', 'event'],
    scopes: [],
    lane: 'welcome',
    source: 'accelevents webhook',
  },
  'accelevents.check_in': {
    name: 'accelevents.check_in',
    description: 'an attendee checked in at the event',
    fields: ['attendee', 'event'],
    scopes: [],
    lane: 'welcome',
    source: 'accelevents webhook',
  },
  'accelevents.ticket_purchase': {
    name: 'accelevents.ticket_purchase',
    description: 'a ticket order was placed',
    fields: ['attendee', 'event'],
    scopes: [],
    lane: 'automation',
    source: 'accelevents webhook',
  },
  'accelevents.ticket_status_changed': {
    name: 'accelevents.ticket_status_changed',
    description: 'a ticket was refunded or cancelled, or its status changed otherwise',
    fields: ['attendee', 'event'],
    scopes: [],
    lane: 'automation',
    source: 'accelevents webhook',
  },
  'accelevents.session_check_in': {
    name: 'accelevents.session_check_in',
    description: 'an attendee checked in to a session of the event',
    fields: ['attendee', 'event', 'session'],
    scopes: [],
    lane: 'automation',
    source: 'accelevents webhook',
  },
  'highlevel.inbound_message': {
    name: 'highlevel.inbound_message',
    description: 'a contact wrote to the location (HighLevel InboundMessage webhook)',
    // contact: read with get-contact; links: the contact's attendee links; sponsorChannel: the routing
    // (src/jobs/handlers/highlevel-event-handler.ts).
    fields: ['message', 'contact', 'links', 'sponsorChannel'],
    scopes: [WEBHOOK_EVENT_SCOPES.InboundMessage],
    lane: 'automation',
    source: 'highlevel webhook',
  },
  'session.ended': {
    // Accelevents has no webhook for this; a poller watches session end times.
    name: 'session.ended',
    description: 'a session of the event ended (detected by polling session end times)',
    fields: ['session', 'event', 'attendee'],
    scopes: [],
    lane: 'automation',
    source: 'poller',
  },
};

export function isTriggerName(name: unknown): name is TriggerName {
  return typeof name === 'string' && (TRIGGER_NAMES as readonly string[]).includes(name);
}

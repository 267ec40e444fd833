/**
 * The workflow triggers parley publishes into HighLevel's workflow builder: the single source of truth
 * for the subscription route, the firing planner (what payload each trigger posts) and
 * `parley marketplace export`. HighLevel resolves a workflow's filters and custom variables by dot path
 * against the trigger's sample data (`customVarsJson`), so `sampleData` is exactly the shape parley
 * POSTs to a subscription's `targetUrl` (https://marketplace.gohighlevel.com/docs/marketplace-modules/CustomTriggers).
 *
 * Keys are immutable once published: lowercase letters, digits and underscores, starting with a letter;
 * an app has at most 20 triggers (https://github.com/GoHighLevel/marketplace-cli, src/lib/workflows/triggers/guide.ts).
 */
import type { OptionsSource } from './action-catalog.js';

export const TRIGGER_KEYS = [
  'accelevents_attendee_registered',
  'accelevents_attendee_checked_in',
  'accelevents_ticket_status_changed',
  'accelevents_session_ended',
  'accelevents_session_checked_in',
  'parley_preference_answered',
] as const;
export type TriggerKey = (typeof TRIGGER_KEYS)[number];

export function isTriggerKey(value: unknown): value is TriggerKey {
  return typeof value === 'string' && (TRIGGER_KEYS as readonly string[]).includes(value);
}

/** A filter the workflow's author can set on the trigger; parley applies it before firing. */
export interface TriggerFilter {
  /** Dot path into the payload (the `field` HighLevel sends back in the subscription's filters). */
  field: string;
  title: string;
  fieldType: 'string' | 'select';
  /** Static options of a select. */
  options?: readonly { label: string; value: string }[];
  /** Options parley serves at GET /marketplace/options/<source>. */
  optionsSource?: OptionsSource;
}

/** A value later workflow steps can use: a dot path into the payload. */
export interface TriggerVariable {
  name: string;
  reference: string;
  fieldType: 'string' | 'numerical' | 'boolean' | 'date' | 'array';
}

export interface MarketplaceTrigger {
  key: TriggerKey;
  name: string;
  /** At most 200 characters. */
  description: string;
  /** At most 500 characters. */
  summary: string;
  /** Exactly the shape parley POSTs to `targetUrl` (trigger-payload.ts builds it). */
  sampleData: TriggerPayload;
  filters: readonly TriggerFilter[];
  customVariables: readonly TriggerVariable[];
}

/** What parley POSTs to a subscription's `targetUrl`. Sections a trigger has no data for are absent. */
export interface TriggerPayload {
  /** The trigger key. */
  type: TriggerKey;
  /** What happened, stable across replays: the firing's deduplication key. */
  id: string;
  /** ISO 8601. */
  occurredAt: string;
  /** The HighLevel contact parley linked to the attendee; null when it does not know one yet. */
  contactId: string | null;
  attendee: {
    id: string | null;
    email: string | null;
    phone: string | null;
    firstName: string | null;
    lastName: string | null;
  };
  ticket: { id: string | null; orderId: string | null; type: string | null; status: string | null };
  event: { url: string | null; id: string | null; name: string | null };
  session?: { id: string | null; name: string | null };
  preference?: { key: string; value: string | null; label: string | null; answer: string | null };
}

const STATUS_OPTIONS = [
  { label: 'Paid', value: 'paid' },
  { label: 'Checked in', value: 'checked_in' },
  { label: 'Refunded', value: 'refunded' },
  { label: 'Cancelled', value: 'cancelled' },
];

const FILTERS: readonly TriggerFilter[] = [
  { field: 'event.url', title: 'Event', fieldType: 'select', optionsSource: 'events' },
  { field: 'ticket.type', title: 'Ticket type', fieldType: 'select', optionsSource: 'ticket-types' },
  { field: 'ticket.status', title: 'Ticket status', fieldType: 'select', options: STATUS_OPTIONS },
];

const BASE_VARIABLES: readonly TriggerVariable[] = [
  { name: 'Contact id', reference: 'contactId', fieldType: 'string' },
  { name: 'Attendee id', reference: 'attendee.id', fieldType: 'string' },
  { name: 'Attendee email', reference: 'attendee.email', fieldType: 'string' },
  { name: 'Attendee phone', reference: 'attendee.phone', fieldType: 'string' },
  { name: 'Attendee first name', reference: 'attendee.firstName', fieldType: 'string' },
  { name: 'Attendee last name', reference: 'attendee.lastName', fieldType: 'string' },
  { name: 'Ticket id', reference: 'ticket.id', fieldType: 'string' },
  { name: 'Order id', reference: 'ticket.orderId', fieldType: 'string' },
  { name: 'Ticket type', reference: 'ticket.type', fieldType: 'string' },
  { name: 'Ticket status', reference: 'ticket.status', fieldType: 'string' },
  { name: 'Event URL', reference: 'event.url', fieldType: 'string' },
  { name: 'Event id', reference: 'event.id', fieldType: 'string' },
  { name: 'Event name', reference: 'event.name', fieldType: 'string' },
  { name: 'Happened at', reference: 'occurredAt', fieldType: 'date' },
];

const SESSION_VARIABLES: readonly TriggerVariable[] = [
  { name: 'Session id', reference: 'session.id', fieldType: 'string' },
  { name: 'Session name', reference: 'session.name', fieldType: 'string' },
];

const PREFERENCE_VARIABLES: readonly TriggerVariable[] = [
  { name: 'Preference question', reference: 'preference.key', fieldType: 'string' },
  { name: 'Preference value', reference: 'preference.value', fieldType: 'string' },
  { name: 'Preference label', reference: 'preference.label', fieldType: 'string' },
  { name: 'Preference answer text', reference: 'preference.answer', fieldType: 'string' },
];

const SAMPLE_ATTENDEE: TriggerPayload['attendee'] = {
  id: 'AE-7F3K2Q',
  email: 'ada@example.com',
  phone: '+15550100',
  firstName: 'Ada',
  lastName: 'Lovelace',
};
const SAMPLE_TICKET: TriggerPayload['ticket'] = {
  id: '48213',
  orderId: '90211',
  type: 'General Admission',
  status: 'paid',
};
const SAMPLE_EVENT: TriggerPayload['event'] = { url: 'devconf-2026', id: '7731', name: 'DevConf 2026' };
const SAMPLE_SESSION = { id: '5512', name: 'Opening keynote' };

function sample(type: TriggerKey, id: string, extra: Partial<TriggerPayload> = {}): TriggerPayload {
  return {
    type,
    id,
    occurredAt: '2026-05-04T09:30:00.000Z',
    contactId: 'contact-123',
    attendee: SAMPLE_ATTENDEE,
    ticket: SAMPLE_TICKET,
    event: SAMPLE_EVENT,
    ...extra,
  };
}

export const TRIGGER_CATALOG: readonly MarketplaceTrigger[] = [
  {
    key: 'accelevents_attendee_registered',
    name: 'Accelevents attendee registered',
    description: 'An attendee registered for an Accelevents event (one firing per ticket holder).',
    summary:
      'Fires once per attendee when they register or buy a ticket at Accelevents, with their ticket, ticket type and event. Filter by event, ticket type or ticket status. The contact id is set when parley has linked the attendee to a HighLevel contact.',
    sampleData: sample('accelevents_attendee_registered', 'registration:devconf-2026:ada@example.com'),
    filters: FILTERS,
    customVariables: BASE_VARIABLES,
  },
  {
    key: 'accelevents_attendee_checked_in',
    name: 'Accelevents attendee checked in',
    description: 'An attendee checked in at an Accelevents event.',
    summary:
      'Fires once per attendee when they check in at the event (badge scan or the organiser app), with their ticket and event. Filter by event, ticket type or ticket status.',
    sampleData: sample('accelevents_attendee_checked_in', 'check_in:devconf-2026:ada@example.com', {
      ticket: { ...SAMPLE_TICKET, status: 'checked_in' },
    }),
    filters: FILTERS,
    customVariables: BASE_VARIABLES,
  },
  {
    key: 'accelevents_ticket_status_changed',
    name: 'Accelevents ticket status changed',
    description: "An attendee's ticket changed status at Accelevents (refunded, cancelled, transferred…).",
    summary:
      'Fires once per ticket and new status, e.g. when a ticket is refunded or cancelled. Filter by event, ticket type or the new status.',
    sampleData: sample(
      'accelevents_ticket_status_changed',
      'ticket_status_changed:devconf-2026:ada@example.com:refunded',
      {
        ticket: { ...SAMPLE_TICKET, status: 'refunded' },
      },
    ),
    filters: FILTERS,
    customVariables: BASE_VARIABLES,
  },
  {
    key: 'accelevents_session_ended',
    name: 'Accelevents session ended',
    description: 'A session of an Accelevents event ended; fires once per attendee of the session.',
    summary:
      "Fires for each attendee of a session once it has ended (parley watches session end times, since Accelevents sends no webhook for it), with the session and the attendee's ticket. Filter by event, ticket type or status.",
    sampleData: sample('accelevents_session_ended', 'session-ended:devconf-2026:5512:ada@example.com', {
      session: SAMPLE_SESSION,
    }),
    filters: FILTERS,
    customVariables: [...BASE_VARIABLES, ...SESSION_VARIABLES],
  },
  {
    key: 'accelevents_session_checked_in',
    name: 'Accelevents session check-in',
    description: 'An attendee checked in to a session of an Accelevents event.',
    summary:
      'Fires once per attendee and session when they check in to a session, with the session, ticket and event. Filter by event, ticket type or ticket status.',
    sampleData: sample('accelevents_session_checked_in', 'session_check_in:devconf-2026:ada@example.com:5512', {
      session: SAMPLE_SESSION,
    }),
    filters: FILTERS,
    customVariables: [...BASE_VARIABLES, ...SESSION_VARIABLES],
  },
  {
    key: 'parley_preference_answered',
    name: 'parley preference answered',
    description: "An attendee answered parley's check-in preference question with one of its options.",
    summary:
      "Fires once per attendee and question when parley matches a reply to the check-in preference question, with the chosen value, its label, the attendee's own words, and their ticket and event.",
    sampleData: sample('parley_preference_answered', 'preference:contact-123:updates', {
      preference: { key: 'updates', value: 'workshops', label: 'Workshops', answer: '2 please' },
    }),
    filters: FILTERS,
    customVariables: [...BASE_VARIABLES, ...PREFERENCE_VARIABLES],
  },
];

export function triggerOf(key: TriggerKey): MarketplaceTrigger {
  const found = TRIGGER_CATALOG.find((trigger) => trigger.key === key);
  if (!found) throw new Error(`trigger ${key} is missing from TRIGGER_CATALOG`);
  return found;
}

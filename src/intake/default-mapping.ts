/**
 * The default payload mapping. Accelevents documents no webhook payload (docs/accelevents-assumptions.md),
 * so these candidates are guesses built from the field names its REST answers use, in three likely
 * layouts: flat, under `attendee`/`order`/`event`, and under a `data` envelope. The first candidate
 * that holds a usable value wins, so the most specific names come first. Each list is replaceable in
 * `accelevents.webhook.fields` once a real delivery has been captured.
 */
import type { IntakeTopic, MappedFieldName } from './webhook-vocabulary.js';

function join(prefix: string, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}
/** Every name under the first prefix, then under the next: the layout decides first. */
function under(prefixes: string[], names: string[]): string[] {
  return prefixes.flatMap((prefix) => names.map((name) => join(prefix, name)));
}
/** Every prefix for the first name, then for the next: the name decides first. */
function byName(names: string[], prefixes: string[]): string[] {
  return names.flatMap((name) => prefixes.map((prefix) => join(prefix, name)));
}
const ATTENDEE = ['', 'attendee', 'data.attendee', 'ticketHolder', 'holder', 'data'];
const ORDER = ['', 'order', 'data.order', 'data'];
const EVENT = ['', 'event', 'data.event', 'data'];
const SESSION = ['', 'session', 'data.session'];

const CAMEL_CANDIDATES: Record<MappedFieldName, string[]> = {
  // The barcode is what check-in and holder-data writes are keyed by, so a barcode anywhere beats a
  // root-level user id.
  attendeeId: byName(['barcode', 'barcodeId', 'eventTicketingId', 'ticketId', 'attendeeId', 'userId'], ATTENDEE),
  ticketId: under(ATTENDEE, ['eventTicketingId', 'ticketId']),
  email: [
    ...under(ATTENDEE, ['email', 'emailAddress', 'holderEmail']),
    ...under(['purchaser', 'order.purchaser', 'data.order.purchaser', 'buyer'], ['email', 'emailAddress']),
  ],
  firstName: [
    ...under(ATTENDEE, ['firstName', 'first_name', 'holderFirstName']),
    ...under(['purchaser', 'order.purchaser', 'data.order.purchaser'], ['firstName']),
  ],
  lastName: [
    ...under(ATTENDEE, ['lastName', 'last_name', 'holderLastName']),
    ...under(['purchaser', 'order.purchaser', 'data.order.purchaser'], ['lastName']),
  ],
  phone: under(ATTENDEE, ['phoneNumber', 'phone', 'cellPhone', 'holderPhoneNumber', 'mobile']),
  eventUrl: under(EVENT, ['eventUrl', 'eventURL', 'eventKey']),
  eventId: under(EVENT, ['eventId', 'id']).filter((path) => path !== 'id' && path !== 'data.id'),
  orderId: [...under(ORDER, ['orderId']), 'order.id', 'data.order.id', 'attendee.orderId', 'data.attendee.orderId'],
  ticketType: under(ATTENDEE, ['ticketType', 'ticketTypeName', 'ticketingType']),
  status: [...under(ATTENDEE, ['ticketStatus', 'status']), 'order.status', 'data.order.status'],
  eventName: [...under(EVENT, ['eventName', 'name', 'title']), 'eventTitle'].filter(
    (path) => path !== 'name' && path !== 'title' && path !== 'data.name' && path !== 'data.title',
  ),
  sessionId: under(SESSION, ['sessionId', 'id']).filter((path) => path !== 'id'),
  sessionName: [...under(SESSION, ['sessionName', 'title', 'name'])].filter(
    (path) => path !== 'title' && path !== 'name',
  ),
  occurredAt: [
    'occurredAt',
    'timestamp',
    'eventTime',
    'createdAt',
    'created',
    'checkInTime',
    'checkedInAt',
    'purchaseDate',
    'data.timestamp',
    'data.order.purchaseDate',
    'order.purchaseDate',
  ],
};

/** `ticketHolder.firstName` → `ticket_holder.first_name`. */
function snakeCase(path: string): string {
  return path.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * Each list, then the snake_case spelling of every camelCase path in it: a sender that writes
 * `first_name` and `event_url` maps without any setting, and camelCase still decides first.
 */
function withSnakeCase(paths: readonly string[]): string[] {
  return [...new Set([...paths, ...paths.map(snakeCase)])];
}

export const DEFAULT_FIELD_CANDIDATES = Object.fromEntries(
  Object.entries(CAMEL_CANDIDATES).map(([field, paths]) => [field, withSnakeCase(paths)]),
) as Record<MappedFieldName, string[]>;

/** Where the topic may be: body paths first, then headers. */
export const DEFAULT_TOPIC_PATHS = withSnakeCase([
  'topic',
  'type',
  'event',
  'eventType',
  'action',
  'webhookTopic',
  'data.topic',
]);
export const DEFAULT_TOPIC_HEADERS = ['x-accelevents-topic', 'x-webhook-topic', 'x-event-type', 'x-topic'];

/**
 * Raw topic → ours, compared case-insensitively. The dotted names are the sandbox's flat preset, the
 * upper-case ones its nested preset in the style of Accelevents' enums (src/sandbox/accelevents/
 * webhook-payloads.ts); both are guesses until a real delivery is captured.
 */
export const DEFAULT_TOPIC_ALIASES: Record<string, IntakeTopic> = {
  'attendee.registered': 'registration',
  registration: 'registration',
  'ticket.purchased': 'ticket_purchase',
  ticket_purchase: 'ticket_purchase',
  'order.created': 'ticket_purchase',
  'attendee.checked_in': 'check_in',
  check_in: 'check_in',
  'ticket.status_changed': 'ticket_status_changed',
  ticket_status_changed: 'ticket_status_changed',
  'ticket.refunded': 'ticket_status_changed',
  'ticket.cancelled': 'ticket_status_changed',
  'order.refunded': 'ticket_status_changed',
  'order.cancelled': 'ticket_status_changed',
  'session.checked_in': 'session_check_in',
  session_check_in: 'session_check_in',
};

/**
 * Where a delivery that names several people keeps them: an attendee or ticket-holder list, at the
 * root, under `order` or under a `data` envelope. The first path holding an array of objects wins;
 * each element is one person (expand-people.ts).
 */
export const DEFAULT_PEOPLE_LISTS = withSnakeCase(
  under(['', 'order', 'data', 'data.order'], ['attendees', 'ticketHolders', 'holders', 'tickets']),
);

/** Where the purchaser of an order is, welcomed beside the holders only when `welcomePurchaser` is on. */
export const DEFAULT_PURCHASER_PATHS = [
  'purchaser',
  'order.purchaser',
  'data.order.purchaser',
  'data.purchaser',
  'buyer',
];

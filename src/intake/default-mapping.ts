/**
 * The default payload mapping. Accelevents documents no webhook payload (reference/accelevents-api.md
 * §6), so these candidates are guesses built from the field names its REST answers use (§5.2, §5.4) and
 * the lists §8.1 suggests (`email | emailAddress | holderEmail | attendee.email | purchaser.email`), in
 * three likely layouts: flat, under `attendee`/`order`/`event`, and under a `data` envelope. The first
 * candidate that holds a usable value wins, so the most specific names come first. Each list is
 * replaceable in `accelevents.webhook.fields` once a real delivery has been captured (§8.1).
 */
import type { IntakeTopic } from './topics.js';

export const MAPPED_FIELDS = [
  'attendeeId',
  'ticketId',
  'email',
  'firstName',
  'lastName',
  'phone',
  'eventUrl',
  'eventId',
  'orderId',
  'ticketType',
  'status',
  'occurredAt',
] as const;
export type MappedFieldName = (typeof MAPPED_FIELDS)[number];

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

export const DEFAULT_FIELD_CANDIDATES: Record<MappedFieldName, string[]> = {
  // §8.1: attendee id is the barcode, the eventTicketingId or the user id, in that order of usefulness
  // (the barcode is what check-in and holder-data writes are keyed by, §5.5), so a barcode anywhere beats
  // a root-level user id.
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

/** Where the topic may be: body paths first (brief I §3), then headers. */
export const DEFAULT_TOPIC_PATHS = ['topic', 'type', 'event', 'eventType', 'action', 'webhookTopic', 'data.topic'];
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
};

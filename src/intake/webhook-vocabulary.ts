/**
 * The words a user writes in `accelevents.webhook` (parley.config.yaml): the fields the payload mapping
 * fills, and our names for what a delivery is about. Accelevents' own topic names are undocumented
 * (docs/accelevents-assumptions.md); raw names are mapped onto these by src/intake/map-payload.ts.
 */
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
  'eventName',
  'sessionId',
  'sessionName',
] as const;
export type MappedFieldName = (typeof MAPPED_FIELDS)[number];

export const INTAKE_TOPICS = [
  'registration',
  'check_in',
  'ticket_purchase',
  'ticket_status_changed',
  'session_check_in',
] as const;
export type IntakeTopic = (typeof INTAKE_TOPICS)[number];

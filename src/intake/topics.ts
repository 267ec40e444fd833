/**
 * Our names for what an Accelevents webhook is about. Accelevents' own topic names are undocumented
 * (docs/accelevents-assumptions.md), so raw names are mapped onto these through a configurable alias
 * table and word rules (map-payload.ts).
 */
export const INTAKE_TOPICS = [
  'registration',
  'check_in',
  'ticket_purchase',
  'ticket_status_changed',
  'session_check_in',
] as const;
export type IntakeTopic = (typeof INTAKE_TOPICS)[number];

export function isIntakeTopic(value: unknown): value is IntakeTopic {
  return typeof value === 'string' && (INTAKE_TOPICS as readonly string[]).includes(value);
}

/** Topics that welcome a person: a registration, or each ticket holder of a purchase. */
export const WELCOMING_TOPICS: ReadonlySet<IntakeTopic> = new Set(['registration', 'ticket_purchase']);

/**
 * Our names for what an Accelevents webhook is about. Accelevents' own topic names are unknown
 * (reference/accelevents-api.md §6: the help article's topic list is cut off), so raw names are mapped
 * onto these through a configurable alias table (map-payload.ts).
 */
export const INTAKE_TOPICS = ['registration', 'check_in', 'ticket_purchase'] as const;
export type IntakeTopic = (typeof INTAKE_TOPICS)[number];

export function isIntakeTopic(value: unknown): value is IntakeTopic {
  return typeof value === 'string' && (INTAKE_TOPICS as readonly string[]).includes(value);
}

/**
 * Our names for what an Accelevents webhook is about (listed in src/intake/webhook-vocabulary.ts, since
 * users write them in the config file). Accelevents' own topic names are undocumented
 * (docs/accelevents-assumptions.md), so raw names are mapped onto these by map-payload.ts.
 */
import { INTAKE_TOPICS, type IntakeTopic } from './webhook-vocabulary.js';

export function isIntakeTopic(value: unknown): value is IntakeTopic {
  return typeof value === 'string' && (INTAKE_TOPICS as readonly string[]).includes(value);
}

/** Topics that welcome a person: a registration, or each ticket holder of a purchase. */
export const WELCOMING_TOPICS: ReadonlySet<IntakeTopic> = new Set(['registration', 'ticket_purchase']);

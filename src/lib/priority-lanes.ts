/**
 * The lanes that order work: the queue claims lower numbers first, and the rate scheduler lets the
 * lower lanes through first when a location's budget is short. Agent actions and welcomes before
 * automation, automation before backfill.
 */
export const PRIORITY = { agent: 0, welcome: 10, automation: 20, backfill: 30 } as const;
export type PriorityLane = keyof typeof PRIORITY;

/**
 * What stands between an edit and live attendees. On a live HighLevel account a workflow that sends
 * (an unsafe action: src/workflows/actions/) is published only after the same definition passed a
 * sandbox test run, recorded here by its content hash for a day; and the first publish says how many
 * people its trigger reached in the last 24 hours, so an organizer knows what "on" means before it is.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { TOPIC_TRIGGERS } from '../../jobs/accelevents-event-data.js';
import type { Database } from '../../store/schema.js';
import { getAction } from '../../workflows/actions/action-registry.js';
import type { WorkflowDefinition } from '../../workflows/definition-schema.js';
import type { TriggerName } from '../../workflows/triggers.js';

const TESTED_PREFIX = 'workflow.tested.';
const DAY_MS = 24 * 60 * 60 * 1000;

/** The definition's identity for "this exact text was tested": key order does not matter. */
export function definitionHash(definition: WorkflowDefinition): string {
  return createHash('sha256').update(canonical(definition)).digest('hex').slice(0, 32);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Called by a sandbox test run that completed: this definition may now be published on a live account. */
export async function recordSandboxTest(db: Kysely<Database>, definition: WorkflowDefinition, now: number) {
  const key = TESTED_PREFIX + definitionHash(definition);
  const value = String(now);
  await db
    .insertInto('settings')
    .values({ key, value, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
    .execute();
}

export async function testedInSandbox(db: Kysely<Database>, definition: WorkflowDefinition, now: number) {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', TESTED_PREFIX + definitionHash(definition))
    .executeTakeFirst();
  return row !== undefined && now - Number(row.value) < DAY_MS;
}

/** Whether any step sends (or does another effect HighLevel cannot take back). */
export function sends(definition: WorkflowDefinition): boolean {
  return definition.steps.some((step) => getAction(step.action)?.unsafe === true);
}

/**
 * How many times the trigger fired in the last 24 h: Accelevents deliveries whose topic starts it,
 * else the runs of the busiest workflow on the same trigger (inbound messages, ended sessions).
 */
export async function triggerReach(
  db: Kysely<Database>,
  trigger: TriggerName,
  sameTrigger: readonly string[],
  now: number,
): Promise<number> {
  const since = now - DAY_MS;
  const topics = Object.entries(TOPIC_TRIGGERS)
    .filter(([, triggers]) => triggers.includes(trigger))
    .map(([topic]) => topic);
  if (topics.length > 0) {
    const row = await db
      .selectFrom('inbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('source', '=', 'accelevents')
      .where('topic', 'in', topics)
      .where('received_at', '>=', since)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }
  if (sameTrigger.length === 0) return 0;
  // Each workflow on the trigger ran once per firing (or was skipped): the busiest one counts them.
  const rows = await db
    .selectFrom('workflow_runs')
    .select(['workflow', (eb) => eb.fn.countAll<number>().as('n')])
    .where('workflow', 'in', sameTrigger)
    .where('started_at', '>=', since)
    .groupBy('workflow')
    .execute();
  return Math.max(0, ...rows.map((r) => Number(r.n)));
}

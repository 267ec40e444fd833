/**
 * Two enabled workflows that send a message on the same trigger send two messages for one event: the
 * usual cause is a welcome written under a new name next to the built-in it was meant to replace. One
 * check, used by `parley workflows validate`, `parley start` and `parley doctor`, so they agree.
 * A send addressed to a configured contact (`contactId: "{{ templates.<name> }}"`, e.g. the sponsor
 * channel's staff) reaches someone else than the event's person, so it only pairs with sends to the
 * same configured contact: the check-in reply's confirmation and a relay to staff are not two messages
 * to one person.
 */
import type { WorkflowDefinition } from './definition-schema.js';
import type { TriggerName } from './triggers.js';

/** Actions that send a message to a contact. */
export const SEND_ACTIONS: ReadonlySet<string> = new Set(['highlevel.send-a-new-message']);

export interface SourcedWorkflow {
  definition: WorkflowDefinition;
  /** `built-in`, or the file the workflow was loaded from. */
  source: string;
}

export interface DoubleSend {
  trigger: TriggerName;
  /** Every workflow sending on the trigger, as `name (source)`. */
  workflows: string[];
  message: string;
  fix: string;
}

export function sendsMessage(definition: WorkflowDefinition): boolean {
  return definition.steps.some((step) => SEND_ACTIONS.has(step.action));
}

const CONFIGURED_CONTACT = /^\{\{-?\s*templates\.[A-Za-z0-9_]+\s*-?\}\}$/;

/** Who a workflow's sends reach: `event` (the trigger's person), or each configured contact's template. */
function recipientsOf(definition: WorkflowDefinition): Set<string> {
  const recipients = new Set<string>();
  for (const step of definition.steps) {
    if (!SEND_ACTIONS.has(step.action)) continue;
    const contactId = step.with?.contactId;
    const configured = typeof contactId === 'string' && CONFIGURED_CONTACT.test(contactId.trim());
    recipients.add(configured ? (contactId as string).replace(/\s+/g, '') : 'event');
  }
  return recipients;
}

export function findDoubleSends(workflows: readonly SourcedWorkflow[]): DoubleSend[] {
  const byRecipient = new Map<string, { trigger: TriggerName; list: SourcedWorkflow[] }>();
  for (const workflow of workflows) {
    const { trigger } = workflow.definition;
    for (const recipient of recipientsOf(workflow.definition)) {
      const key = `${trigger}\n${recipient}`;
      const group = byRecipient.get(key) ?? { trigger, list: [] };
      group.list.push(workflow);
      byRecipient.set(key, group);
    }
  }
  const found: DoubleSend[] = [];
  for (const { trigger, list } of byRecipient.values()) {
    if (list.length < 2) continue;
    const names = list.map(({ definition, source }) => `${definition.name} (${source})`);
    const builtIn = list.find((w) => w.source === 'built-in');
    found.push({
      trigger,
      workflows: names,
      message: `${joinNames(names)} ${list.length === 2 ? 'both' : 'all'} send a message on trigger ${trigger}: one event sends ${list.length} messages`,
      fix: builtIn
        ? `to replace the built-in, name the file's workflow "${builtIn.definition.name}"; else remove one, or give them conditions that never hold together`
        : 'remove one, or give them conditions that never hold together',
    });
  }
  return found;
}

function joinNames(names: string[]): string {
  return names.length <= 2 ? names.join(' and ') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

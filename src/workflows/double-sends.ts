/**
 * Two enabled workflows that send a message on the same trigger send two messages for one event: the
 * usual cause is a welcome written under a new name next to the built-in it was meant to replace. One
 * check, used by `parley workflows validate`, `parley start` and `parley doctor`, so they agree.
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

export function findDoubleSends(workflows: readonly SourcedWorkflow[]): DoubleSend[] {
  const byTrigger = new Map<TriggerName, SourcedWorkflow[]>();
  for (const workflow of workflows) {
    if (!sendsMessage(workflow.definition)) continue;
    const list = byTrigger.get(workflow.definition.trigger) ?? [];
    list.push(workflow);
    byTrigger.set(workflow.definition.trigger, list);
  }
  const found: DoubleSend[] = [];
  for (const [trigger, list] of byTrigger) {
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

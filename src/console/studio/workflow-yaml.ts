/**
 * YAML is the exchange format for workflows: what `GET /api/workflows/{name}/export` and `parley
 * workflows export` write, what `workflows validate` and an import read, and what a version diff
 * compares (a line diff of two YAML texts reads like a code review; a JSON diff does not).
 */
import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import type { WorkflowDefinition } from '../../workflows/definition-schema.js';

/** Keys in the order a person writes them, whatever order the JSON arrived in. */
const KEY_ORDER = ['name', 'description', 'trigger', 'lane', 'conditions', 'question', 'options', 'steps', 'templates'];

export function workflowYaml(definition: WorkflowDefinition): string {
  const ordered: Record<string, unknown> = {};
  for (const key of KEY_ORDER) {
    const value = (definition as Record<string, unknown>)[key];
    if (value !== undefined) ordered[key] = value;
  }
  for (const [key, value] of Object.entries(definition)) if (!(key in ordered)) ordered[key] = value;
  // lineWidth 0: templates stay on the lines their author wrote, so diffs stay small.
  return stringify(ordered, { lineWidth: 0 });
}

/** A unified diff from one version's YAML to another's (`vN` file names). */
export function versionPatch(
  name: string,
  from: { version: number; definition: WorkflowDefinition },
  to: { version: number; definition: WorkflowDefinition },
): string {
  return createTwoFilesPatch(
    `${name}.v${from.version}.yaml`,
    `${name}.v${to.version}.yaml`,
    workflowYaml(from.definition),
    workflowYaml(to.definition),
  );
}

/**
 * The same checks as a workflow file gets (definition-schema.ts, then validate-workflow.ts), for a
 * definition given as JSON (the console API, an import): every problem at once, each naming its key
 * path and what was expected. A JSON body has no lines, so issues carry the path alone, and a problem
 * inside a template says where in the template.
 */
import type { z } from 'zod';
import { formatKeyPath } from '../config/yaml-positions.js';
import type { TemplateEngine } from '../lib/template-engine.js';
import { allowedWorkflowKeys, type WorkflowDefinition, WorkflowSchema } from './definition-schema.js';
import { validateWorkflow } from './validate-workflow.js';

export interface DefinitionProblem {
  /** Key path, e.g. `steps[2].with.message`. */
  path: string;
  message: string;
}

export type CheckedDefinition =
  | { ok: true; definition: WorkflowDefinition }
  | { ok: false; problems: DefinitionProblem[] };

export function checkDefinition(value: unknown, engine: TemplateEngine): CheckedDefinition {
  const parsed = WorkflowSchema.safeParse(value ?? {});
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.flatMap((issue) => fromZod(value, issue)) };
  const problems = validateWorkflow(parsed.data, engine).map((issue) => ({
    path: formatKeyPath(issue.path),
    message: issue.inText
      ? `${issue.message} (line ${issue.inText.line}, column ${issue.inText.col} of the text)`
      : issue.message,
  }));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, definition: parsed.data };
}

function fromZod(value: unknown, issue: z.core.$ZodIssue): DefinitionProblem[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedWorkflowKeys(path);
    return issue.keys.map((key) => ({
      path: formatKeyPath([...path, key]),
      message: `unknown key; expected one of ${allowed.join(', ')}`,
    }));
  }
  return [{ path: formatKeyPath(path), message: expectationOf(issue, valueAt(value, path)) }];
}

/** What a zod issue expected, in the words `workflows validate` uses; `got` is the value found there. */
export function expectationOf(issue: z.core.$ZodIssue, got: unknown): string {
  if (issue.code === 'invalid_value') {
    const shown = typeof got === 'string' && got.length <= 80 ? `, got "${got}"` : '';
    return `expected one of ${issue.values.map(String).join(', ')}${shown}`;
  }
  if (issue.code === 'invalid_type') {
    return got === undefined ? `required: expected ${article(issue.expected)}` : `expected ${article(issue.expected)}`;
  }
  return issue.message;
}

function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let at = value;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

function article(expected: string): string {
  if (expected === 'record') return 'a map of keys to values';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

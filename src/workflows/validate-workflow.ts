/**
 * The checks that need the catalog, run on a structurally valid definition: unique step ids,
 * actions that exist (with the closest names when not), inputs the action takes, templates liquid
 * can parse, `steps.<id>` references that point to an earlier step, step `option`s that the workflow
 * declares, and a question block whose options cannot be confused (src/preferences/check-question.ts).
 * Each issue carries its key path and, for templates, the position inside the template, so the loader
 * can point at the line.
 */

import type { TemplateEngine } from '../lib/template-engine.js';
import { checkQuestion } from '../preferences/check-question.js';
import { closestActionNames, getAction } from './actions/action-registry.js';
import type { WorkflowDefinition } from './definition-schema.js';
import { findStepReferences, positionInText } from './step-references.js';

export interface DefinitionIssue {
  path: (string | number)[];
  message: string;
  /** Where inside the string at `path` the problem is (templates only). */
  inText?: { line: number; col: number };
  /** Point at the key itself rather than its value (unknown keys). */
  atKey?: boolean;
}

function strings(value: unknown, path: (string | number)[], out: { path: (string | number)[]; text: string }[]) {
  if (typeof value === 'string') out.push({ path, text: value });
  else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      strings(item, [...path, i], out);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) strings(item, [...path, key], out);
  }
  return out;
}

export function validateWorkflow(definition: WorkflowDefinition, engine: TemplateEngine): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const firstIndex = new Map<string, number>();
  definition.steps.forEach((step, index) => {
    const first = firstIndex.get(step.id);
    if (first === undefined) firstIndex.set(step.id, index);
    else
      issues.push({ path: ['steps', index, 'id'], message: `duplicate step id "${step.id}" (steps[${first}] has it)` });
  });

  (definition.conditions ?? []).forEach((condition, index) => {
    const path = ['conditions', index];
    const problem = engine.checkCondition(condition);
    if (problem) issues.push({ path, message: `condition liquid cannot parse: ${problem.message}`, inText: problem });
    for (const ref of findStepReferences(condition)) {
      issues.push({
        path,
        message: `conditions are checked before any step runs, so they cannot use steps.${ref.id}; put an \`if\` on the step instead`,
        inText: positionInText(condition, ref.index),
      });
    }
  });

  for (const [name, source] of Object.entries(definition.templates ?? {})) {
    const problem = engine.checkTemplate(source);
    if (problem) {
      issues.push({
        path: ['templates', name],
        message: `template liquid cannot parse: ${problem.message}`,
        inText: problem,
      });
    } else if (!definition.question && readsQuestion(engine, source)) {
      issues.push({ path: ['templates', name], message: NO_QUESTION });
    }
  }

  if (definition.question) {
    for (const issue of checkQuestion(definition.question, engine)) {
      issues.push({ ...issue, path: ['question', ...issue.path] });
    }
  }

  definition.steps.forEach((step, index) => {
    const at = ['steps', index];
    if (step.option !== undefined && definition.options?.[step.option] === undefined) {
      const declared = Object.keys(definition.options ?? {});
      issues.push({
        path: [...at, 'option'],
        message: `option "${step.option}" is not declared; ${declared.length > 0 ? `expected one of ${declared.join(', ')}` : `declare it under options, e.g. options: { ${step.option}: false }`}`,
      });
    }
    if (step.action === 'preferences.ask' && !definition.question) {
      issues.push({
        path: [...at, 'action'],
        message:
          'preferences.ask records the workflow question; add a question block (key, prompt, options, confirm, reask)',
      });
    }
    const action = getAction(step.action);
    if (!action) {
      const closest = closestActionNames(step.action);
      issues.push({
        path: [...at, 'action'],
        message: `unknown action "${step.action}"; closest: ${closest.join(', ')} (\`parley catalog\` lists all)`,
      });
    } else if (action.inputs !== null) {
      const known = new Map(action.inputs.map((input) => [input.name, input]));
      for (const key of Object.keys(step.with ?? {})) {
        if (known.has(key)) continue;
        issues.push({
          path: [...at, 'with', key],
          atKey: true,
          message: `${step.action} takes no input "${key}"; expected one of ${[...known.keys()].join(', ')}`,
        });
      }
      for (const input of action.inputs) {
        if (!input.required || input.defaulted || step.with?.[input.name] !== undefined) continue;
        issues.push({
          path: step.with ? [...at, 'with'] : at,
          message: `${step.action} needs input "${input.name}"${input.place === 'action' ? '' : ` (${input.place})`}`,
        });
      }
    }

    const texts = strings(step.with ?? {}, [...at, 'with'], []);
    if (step.if !== undefined) {
      const problem = engine.checkCondition(step.if);
      if (problem)
        issues.push({
          path: [...at, 'if'],
          message: `condition liquid cannot parse: ${problem.message}`,
          inText: problem,
        });
      texts.push({ path: [...at, 'if'], text: step.if });
    }
    for (const { path, text } of texts) {
      if (path[path.length - 1] !== 'if') {
        const problem = engine.checkTemplate(text);
        if (problem)
          issues.push({ path, message: `template liquid cannot parse: ${problem.message}`, inText: problem });
        else if (!definition.question && readsQuestion(engine, text)) issues.push({ path, message: NO_QUESTION });
      }
      for (const ref of findStepReferences(text)) {
        const target = firstIndex.get(ref.id);
        if (target !== undefined && target < index) continue;
        const earlier = [...new Set(definition.steps.slice(0, index).map((s) => s.id))];
        const message =
          target === undefined
            ? `steps.${ref.id} is not a step of this workflow; earlier steps: ${earlier.join(', ') || '(none)'}`
            : `steps.${ref.id} ${target === index ? 'is this step itself' : `runs later (steps[${target}])`}; a step can only use the output of earlier steps (${earlier.join(', ') || 'none before it'})`;
        issues.push({ path, message, inText: positionInText(text, ref.index) });
      }
    }
  });
  return issues;
}

const NO_QUESTION = 'uses question.* but the workflow has no question block (key, prompt, options, confirm, reask)';

function readsQuestion(engine: TemplateEngine, source: string): boolean {
  return engine.variables(source).some((path) => path[0] === 'question');
}

/**
 * Loads workflow definitions from a YAML file or a directory of `*.yaml`/`*.yml` files. A file holds
 * one workflow (a map) or several (a list); steps whose `option` is off are left out of what loads.
 * Every problem in every file is reported at once as
 * `file:line:col key.path: what was expected`, positions found with the yaml Document and
 * LineCounter the config loader uses (src/config/yaml-positions.ts).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Document, isScalar, LineCounter, parseDocument, Scalar } from 'yaml';
import type { z } from 'zod';
import { formatKeyPath, positionOf, positionOfKey } from '../config/yaml-positions.js';
import { createTemplateEngine, type TemplateEngine } from '../lib/template-engine.js';
import { expectationOf } from './check-definition.js';
import { allowedWorkflowKeys, type WorkflowDefinition, WorkflowSchema } from './definition-schema.js';
import { type DefinitionIssue, validateWorkflow } from './validate-workflow.js';
import { describeIssues, WorkflowError, type WorkflowIssue, WorkflowValidationError } from './workflow-error.js';

export interface LoadedWorkflow {
  definition: WorkflowDefinition;
  /** The file it came from, as given (for messages and `workflows list`). */
  file: string;
}

export interface LoadWorkflowsOptions {
  engine?: TemplateEngine;
  /** Keep the steps whose `option` is off (an editor starts from the whole definition). */
  asWritten?: boolean;
}

interface Source {
  file: string;
  text: string;
}

/** Reads and validates; throws WorkflowValidationError listing every issue, or WorkflowError when nothing can be read. */
export async function loadWorkflows(path: string, options: LoadWorkflowsOptions = {}): Promise<LoadedWorkflow[]> {
  const sources = await readSources(path);
  const engine = options.engine ?? createTemplateEngine();
  const loaded: LoadedWorkflow[] = [];
  const issues: WorkflowIssue[] = [];
  const names = new Map<string, string>();
  for (const source of sources) {
    const result = parseWorkflowSource(source.text, source.file, engine, options.asWritten);
    issues.push(...result.issues);
    for (const workflow of result.workflows) {
      const seen = names.get(workflow.definition.name);
      if (seen !== undefined) {
        issues.push({
          ...result.positions.get(workflow.definition)!,
          message: `duplicate workflow name "${workflow.definition.name}" (also in ${seen})`,
        });
      } else names.set(workflow.definition.name, workflow.file);
      loaded.push(workflow);
    }
  }
  if (issues.length > 0) {
    const sorted = sortIssues(issues);
    throw new WorkflowValidationError(describeIssues(sorted), { issues: sorted });
  }
  return loaded;
}

function sortIssues(issues: WorkflowIssue[]): WorkflowIssue[] {
  return [...issues].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}

async function readSources(path: string): Promise<Source[]> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    throw new WorkflowError('workflow_not_found', `no workflow file or directory at ${path}`);
  }
  if (!info.isDirectory()) return [{ file: path, text: await readFile(path, 'utf8') }];
  const files = (await readdir(path)).filter((name) => /\.ya?ml$/i.test(name)).sort();
  if (files.length === 0) throw new WorkflowError('workflow_not_found', `no *.yaml workflow files in ${path}`);
  return Promise.all(
    files.map(async (name) => ({ file: join(path, name), text: await readFile(join(path, name), 'utf8') })),
  );
}

export interface ParsedSource {
  workflows: LoadedWorkflow[];
  issues: WorkflowIssue[];
  /** Where each workflow's `name` is, for issues found across files. */
  positions: Map<WorkflowDefinition, Omit<WorkflowIssue, 'message'>>;
}

/** Parses and validates one file's text; never throws for bad content. */
export function parseWorkflowSource(
  text: string,
  file: string,
  engine: TemplateEngine,
  asWritten = false,
): ParsedSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const out: ParsedSource = { workflows: [], issues: [], positions: new Map() };
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      // linePos is only filled with prettyErrors; the offset is always there.
      const pos = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
      out.issues.push({ file, ...pos, path: '(yaml)', message: error.message.split('\n')[0] ?? 'invalid YAML' });
    }
    return out;
  }
  const value: unknown = doc.toJS();
  const list = Array.isArray(value) ? value : [value];
  const prefix = (index: number): (string | number)[] => (Array.isArray(value) ? [index] : []);
  const where = { doc, lineCounter, file, text };

  list.forEach((item, index) => {
    const base = prefix(index);
    const parsed = WorkflowSchema.safeParse(item ?? {});
    if (!parsed.success) {
      for (const issue of parsed.error.issues) out.issues.push(...fromZodIssue(where, base, issue));
      return;
    }
    const problems = validateWorkflow(parsed.data, engine);
    for (const problem of problems) out.issues.push(fromDefinitionIssue(where, base, problem));
    const definition = problems.length === 0 && !asWritten ? withOptionsApplied(parsed.data) : parsed.data;
    if (problems.length === 0) out.workflows.push({ definition, file });
    const namePos = positionOf(doc, lineCounter, [...base, 'name']);
    out.positions.set(definition, { file, ...namePos, path: formatKeyPath([...base, 'name']) });
  });
  return out;
}

/**
 * The definition as it runs: a step whose `option` is off is left out, after validation (so a mistake in
 * it is still reported). Everything that reads definitions (runner, catalog, scope planning) then sees
 * only the steps that can run.
 */
export function withOptionsApplied(definition: WorkflowDefinition): WorkflowDefinition {
  const steps = definition.steps.filter((step) => step.option === undefined || definition.options?.[step.option]);
  return steps.length === definition.steps.length ? definition : { ...definition, steps };
}

interface Where {
  doc: Document;
  lineCounter: LineCounter;
  file: string;
  text: string;
}

function fromZodIssue(where: Where, base: (string | number)[], issue: z.core.$ZodIssue): WorkflowIssue[] {
  const path = [...base, ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')];
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedWorkflowKeys(path.slice(base.length));
    return issue.keys.map((key) => ({
      file: where.file,
      ...positionOfKey(where.doc, where.lineCounter, path, key),
      path: formatKeyPath([...path, key]),
      message: `unknown key; expected one of ${allowed.join(', ')}`,
    }));
  }
  const pos = positionOf(where.doc, where.lineCounter, path);
  return [
    { file: where.file, ...pos, path: formatKeyPath(path), message: expectationOf(issue, where.doc.getIn(path)) },
  ];
}

function fromDefinitionIssue(where: Where, base: (string | number)[], issue: DefinitionIssue): WorkflowIssue {
  const path = [...base, ...issue.path];
  const key = path[path.length - 1];
  let pos =
    issue.atKey && typeof key === 'string'
      ? positionOfKey(where.doc, where.lineCounter, path.slice(0, -1), key)
      : positionOf(where.doc, where.lineCounter, path);
  if (issue.inText) pos = positionInScalar(where, path, issue.inText) ?? pos;
  return { file: where.file, ...pos, path: formatKeyPath(path), message: issue.message };
}

/**
 * A position inside a string value, mapped to the file: block scalars (`|`, `>`) start on the line
 * after their header, at the content's indentation; quoted and plain ones where the value starts.
 * Folded scalars fold lines, so their lines map approximately.
 */
function positionInScalar(
  where: Where,
  path: (string | number)[],
  inText: { line: number; col: number },
): { line: number; col: number } | null {
  const node = where.doc.getIn(path, true);
  if (!isScalar(node) || !node.range) return null;
  const start = where.lineCounter.linePos(node.range[0]);
  if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
    const line = start.line + inText.line;
    const lineStart = where.lineCounter.lineStarts[line - 1];
    if (lineStart === undefined) return null;
    const indent = /^ */.exec(where.text.slice(lineStart))?.[0].length ?? 0;
    return { line, col: indent + inText.col };
  }
  const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE ? 1 : 0;
  if (inText.line === 1) return { line: start.line, col: start.col + quoted + inText.col - 1 };
  return { line: start.line + inText.line - 1, col: inText.col };
}

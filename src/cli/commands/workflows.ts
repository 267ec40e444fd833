/**
 * `parley workflows validate <path>` and `parley workflows list [path]`: check workflow definitions
 * (a YAML file or a directory of them) with every error as file:line:col, and show what each
 * workflow does and which HighLevel scopes it needs (DESIGN C6, C11).
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { type CommandIo, processIo } from '../../runtime/command-io.js';
import { workflowLane, workflowScopes } from '../../workflows/catalog.js';
import { type LoadedWorkflow, loadWorkflows } from '../../workflows/load-workflows.js';
import { WorkflowError } from '../../workflows/workflow-error.js';
import { CliError } from '../cli-error.js';

/** Where `workflows list` looks when no path is given (relative to the working directory). */
export const DEFAULT_WORKFLOWS_PATH = 'workflows';

export interface ListOptions {
  json?: boolean;
}

export function register(program: Command): void {
  const workflows = program.command('workflows').description('check and list no-code workflow definitions (YAML)');
  workflows
    .command('validate')
    .description('validate a workflow file or a directory of *.yaml files; errors point to file:line:col')
    .argument('<path>', 'a .yaml file or a directory')
    .action(async (path: string) => {
      await runValidate(path, processIo());
    });
  workflows
    .command('list')
    .description('list workflows: name, trigger, steps and the HighLevel scopes each needs')
    .argument('[path]', `a .yaml file or a directory (default ./${DEFAULT_WORKFLOWS_PATH})`)
    .option('--json', 'print JSON')
    .action(async (path: string | undefined, options: ListOptions) => {
      await runList(path, options, processIo());
    });
}

type Io = Pick<CommandIo, 'write' | 'cwd'>;

async function load(path: string, io: Io): Promise<LoadedWorkflow[]> {
  try {
    return await loadWorkflows(resolve(io.cwd ?? process.cwd(), path));
  } catch (error) {
    if (error instanceof WorkflowError) throw new CliError(error.message, error.code, 1);
    throw error;
  }
}

export async function runValidate(path: string, io: Io): Promise<void> {
  const loaded = await load(path, io);
  io.write(`${path}: ${loaded.length} workflow(s) valid: ${loaded.map((w) => w.definition.name).join(', ')}\n`);
}

export async function runList(path: string | undefined, options: ListOptions, io: Io): Promise<void> {
  const loaded = await load(path ?? DEFAULT_WORKFLOWS_PATH, io);
  const rows = loaded.map(({ definition, file }) => ({
    name: definition.name,
    trigger: definition.trigger,
    lane: workflowLane(definition),
    file,
    steps: definition.steps.map((step) => ({ id: step.id, action: step.action })),
    scopes: workflowScopes(definition),
  }));
  if (options.json) {
    io.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const lines: string[] = [];
  for (const row of rows) {
    lines.push(`${row.name}  (trigger ${row.trigger}, lane ${row.lane})`);
    lines.push(`  steps:  ${row.steps.map((step) => `${step.id} (${step.action})`).join(' → ')}`);
    lines.push(`  scopes: ${row.scopes.join(' ') || '(no HighLevel scope)'}`);
  }
  io.write(`${lines.join('\n')}\n`);
}

/**
 * `parley workflows validate [path]` and `parley workflows list [path]`: check workflow definitions
 * (a YAML file or a directory of them) with every error as file:line:col, and show the workflows that
 * would run (the built-ins the config's features enable, and the user's), where each comes from, what
 * it does and which HighLevel scopes it needs. Without a path they use the config's `workflows.path`,
 * and without one of those, the built-ins alone. Both warn when two workflows would send a message
 * for the same event.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { type CommandIo, processIo } from '../../app/command-io.js';
import type { ParleyFileConfig } from '../../app/config-types.js';
import { loadFileConfig } from '../../app/load-file-config.js';
import { workflowScopes } from '../../features/catalog.js';
import {
  BUILT_IN,
  BUILTIN_WORKFLOWS_DIR,
  doubleSendsAmong,
  type EnabledWorkflow,
  enabledWorkflowsOptions,
  listEnabledWorkflows,
  SPONSOR_RELAY,
} from '../../features/enabled-workflows.js';
import type { DoubleSend } from '../../workflows/double-sends.js';
import { loadWorkflows } from '../../workflows/load-workflows.js';
import { workflowLane } from '../../workflows/run-workflow.js';
import { WorkflowError } from '../../workflows/workflow-error.js';
import { CliError } from '../cli-error.js';
import { withCliErrors } from '../to-cli-error.js';
import { type ExportOptions, runExport, runImport } from './workflow-exchange.js';

export interface ListOptions {
  json?: boolean;
}

export function register(program: Command): void {
  const workflows = program.command('workflows').description('check and list no-code workflow definitions (YAML)');
  workflows
    .command('validate')
    .description('validate a workflow file or a directory of *.yaml files; errors point to file:line:col')
    .argument('[path]', "a .yaml file or a directory (default: the config's workflows.path, else the built-ins)")
    .action(async (path: string | undefined) => {
      await runValidate(path, processIo());
    });
  workflows
    .command('list')
    .description('list the workflows that would run: source, trigger, steps and the HighLevel scopes each needs')
    .argument('[path]', "a .yaml file or a directory to use as workflows.path (default: the config's)")
    .option('--json', 'print JSON')
    .action(async (path: string | undefined, options: ListOptions) => {
      await runList(path, options, processIo());
    });
  workflows
    .command('export')
    .description('write workflows saved in the console as YAML (default: all of them; one name prints to stdout)')
    .argument('[names...]', 'workflow names (built-ins and files too)')
    .option('--out <dir>', 'write <name>.yaml files into this directory')
    .action(async (names: string[], options: ExportOptions) => {
      await runExport(names, options, processIo());
    });
  workflows
    .command('import')
    .description('save the workflows of a YAML file in the database as new versions, as an edit in the console would')
    .argument('<file>', 'a .yaml file holding one workflow or a list')
    .action(async (file: string) => {
      await runImport(file, processIo());
    });
}

type Io = Pick<CommandIo, 'write' | 'cwd'> & Partial<Pick<CommandIo, 'env' | 'sandboxUrl'>>;

/** The user workflows to use: the path given (from the working directory), else the config's. */
interface Selection {
  config: ParleyFileConfig;
  userPath: string | null;
  /** How to name the user path in messages: as typed, or as the config resolved it. */
  label: string | null;
}

async function select(path: string | undefined, io: Io): Promise<Selection> {
  const env = io.env ?? process.env;
  const config = await withCliErrors(() =>
    loadFileConfig({
      env,
      ...(io.cwd ? { cwd: io.cwd } : {}),
      ...(io.sandboxUrl ? { sandboxUrl: io.sandboxUrl } : {}),
    }),
  );
  if (path !== undefined) return { config, userPath: resolve(io.cwd ?? process.cwd(), path), label: path };
  return { config, userPath: config.workflows.path, label: config.workflows.path };
}

async function loading<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof WorkflowError) throw new CliError(error.code, error.message, { exitCode: 1 });
    throw error;
  }
}

async function enabledOf(selection: Selection): Promise<EnabledWorkflow[]> {
  return loading(() =>
    listEnabledWorkflows({ ...enabledWorkflowsOptions(selection.config), userPath: selection.userPath }),
  );
}

function warningLines(doubles: readonly DoubleSend[]): string[] {
  return doubles.map((twice) => `warning: ${twice.message}\n  fix: ${twice.fix}`);
}

export async function runValidate(path: string | undefined, io: Io): Promise<void> {
  const selection = await select(path, io);
  const builtins = await loading(() => loadWorkflows(BUILTIN_WORKFLOWS_DIR));
  const enabled = await enabledOf(selection);
  const lines: string[] = [];
  if (selection.userPath === null) {
    const names = builtins.map((w) => w.definition.name);
    lines.push(`built-in workflows: ${names.length} workflow(s) valid: ${names.join(', ')}`);
  } else {
    const user = enabled.filter((w) => w.source !== BUILT_IN);
    lines.push(
      `${selection.label}: ${user.length} workflow(s) valid: ${user.map((w) => w.definition.name).join(', ')}`,
    );
    for (const w of user.filter((u) => u.replacesBuiltIn)) {
      lines.push(`  ${w.definition.name} replaces the built-in workflow of that name`);
    }
  }
  lines.push(...warningLines(doubleSendsAmong(enabled)));
  io.write(`${lines.join('\n')}\n`);
}

export async function runList(path: string | undefined, options: ListOptions, io: Io): Promise<void> {
  const enabled = await enabledOf(await select(path, io));
  const rows = enabled.map(({ definition, source, file, replacesBuiltIn, runs, notConfigured }) => ({
    name: definition.name,
    trigger: definition.trigger,
    lane: workflowLane(definition),
    source,
    file,
    replacesBuiltIn,
    // The sponsor relay runs once per staff contact; the sponsor channel not at all without sponsors.
    runs: runs.length,
    ...(notConfigured !== null ? { notConfigured } : {}),
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
    lines.push(`  source: ${row.source}${row.replacesBuiltIn ? ' (replaces the built-in of this name)' : ''}`);
    if (row.notConfigured !== undefined) lines.push(`  status: ${row.notConfigured}`);
    if (row.name === SPONSOR_RELAY) {
      lines.push(`  runs:   once per sponsor staff contact (${row.runs}); deprecated: see parley doctor`);
    }
    lines.push(`  steps:  ${row.steps.map((step) => `${step.id} (${step.action})`).join(' → ')}`);
    lines.push(`  scopes: ${row.scopes.join(' ') || '(no HighLevel scope)'}`);
  }
  if (rows.length === 0) lines.push('no workflows: the config enables no built-in and sets no workflows.path');
  lines.push(...warningLines(doubleSendsAmong(enabled)));
  io.write(`${lines.join('\n')}\n`);
}

/**
 * `parley workflows export [names...] [--out DIR]` and `parley workflows import FILE`: the workflows
 * saved in the console, as YAML files for review and version control, and back. They go through the
 * studio's own operations (src/console/studio/workflow-studio.ts), so an import is checked like a file
 * and saved as a new version like an edit in the console, with the operator as its author. The
 * console asks for a sandbox test before publishing a sending workflow on a live account; an operator
 * importing from version control is trusted with that, and the command says it did not test.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import type { CommandIo } from '../../app/command-io.js';
import { openRuntimeFor, type Runtime } from '../../app/open-runtime.js';
import { createWorkflowStudio, type WorkflowStudio } from '../../console/studio/workflow-studio.js';
import { workflowYaml } from '../../console/studio/workflow-yaml.js';
import { WorkflowError } from '../../workflows/workflow-error.js';
import { CliError } from '../cli-error.js';
import { withCliErrors } from '../to-cli-error.js';

export interface ExportOptions {
  out?: string;
}

async function withStudio<T>(
  io: CommandIo,
  work: (studio: WorkflowStudio, runtime: Runtime) => Promise<T>,
): Promise<T> {
  return withCliErrors(async () => {
    const runtime = await openRuntimeFor(io);
    try {
      const studio = createWorkflowStudio({
        db: runtime.store.db,
        workflows: runtime.workflows,
        workflowStore: runtime.workflowStore,
        live: runtime.config.highlevel.target === 'live',
        requireSandboxTest: false,
        now: Date.now,
        logger: runtime.logger,
      });
      return await work(studio, runtime);
    } catch (error) {
      if (error instanceof WorkflowError) throw new CliError(error.code, error.message, { exitCode: 1 });
      throw error;
    } finally {
      await runtime.close();
    }
  });
}

/** Without names: every workflow saved in the console. One workflow without --out goes to stdout. */
export async function runExport(names: readonly string[], options: ExportOptions, io: CommandIo): Promise<void> {
  await withStudio(io, async (studio, runtime) => {
    const wanted = names.length > 0 ? [...names] : (await runtime.workflowStore.list()).map((w) => w.name);
    if (wanted.length === 0) {
      io.write('no workflows are saved in the console; built-ins are in workflows/builtin/\n');
      return;
    }
    if (options.out === undefined) {
      if (wanted.length > 1) {
        throw new CliError('invalid_option', `${wanted.length} workflows to export: give --out DIR, or one name`, {
          exitCode: 2,
        });
      }
      io.write(workflowYaml((await studio.get(wanted[0] as string)).definition));
      return;
    }
    const dir = resolve(io.cwd ?? process.cwd(), options.out);
    await mkdir(dir, { recursive: true });
    for (const name of wanted) {
      const file = join(dir, `${name}.yaml`);
      await writeFile(file, workflowYaml((await studio.get(name)).definition));
      io.write(`wrote ${file}\n`);
    }
  });
}

export async function runImport(path: string, io: CommandIo): Promise<void> {
  const file = resolve(io.cwd ?? process.cwd(), path);
  const text = await readFile(file, 'utf8').catch(() => {
    throw new CliError('workflow_not_found', `no workflow file at ${file}`, { exitCode: 1 });
  });
  await withStudio(io, async (studio, runtime) => {
    const saved = await studio.importYaml(text, `cli:${userInfo().username}`, path);
    for (const workflow of saved) io.write(`imported ${workflow.name} as version ${workflow.version}\n`);
    if (runtime.config.highlevel.target === 'live') {
      io.write('note: imported without a sandbox test run; the console asks for one before a live publish\n');
    }
  });
}

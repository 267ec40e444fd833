/**
 * The workflow studio's operations, behind `/api/workflows` (workflow-routes.ts) and `parley workflows
 * export|import`. Three kinds of workflow meet here:
 * - built-ins (workflows/builtin/): templates. Saving one makes an editable copy under the same name
 *   that runs instead of it (enabled-workflows.ts), so an edited welcome never sends beside the original;
 * - workflow files (`workflows.path`): read-only here, "from files"; their owner edits the files;
 * - workflows saved in the console: versioned in the database (src/workflows/workflow-store.ts).
 * A definition arrives as JSON, the same shape as the YAML, and is checked like a file is, every
 * problem named by its key path.
 */
import type { Kysely } from 'kysely';
import { workflowScopes } from '../../features/catalog.js';
import {
  BUILT_IN,
  BUILTIN_WORKFLOWS_DIR,
  doubleSendsAmong,
  type EnabledWorkflow,
  STORED,
} from '../../features/enabled-workflows.js';
import type { LiveWorkflows } from '../../features/live-workflows.js';
import type { Logger } from '../../lib/create-logger.js';
import { createTemplateEngine, type TemplateEngine } from '../../lib/template-engine.js';
import type { Database } from '../../store/schema.js';
import { checkDefinition, type DefinitionProblem } from '../../workflows/check-definition.js';
import type { WorkflowDefinition } from '../../workflows/definition-schema.js';
import type { DoubleSend } from '../../workflows/double-sends.js';
import { loadWorkflows, parseWorkflowSource } from '../../workflows/load-workflows.js';
import {
  describeIssues,
  WorkflowError,
  type WorkflowIssue,
  WorkflowValidationError,
} from '../../workflows/workflow-error.js';
import type { StoredWorkflow, WorkflowStore, WorkflowVersion } from '../../workflows/workflow-store.js';
import { disabledWorkflows } from '../../workflows/workflow-switches.js';
import { recordChange } from '../admin/change-log.js';
import { sends, testedInSandbox, triggerReach } from './publish-checks.js';
import { versionPatch, workflowYaml } from './workflow-yaml.js';

export type WorkflowOrigin = 'built-in' | 'file' | 'console';

export interface WorkflowView {
  name: string;
  description: string | null;
  trigger: string;
  origin: WorkflowOrigin;
  /** Only console workflows are edited in place; saving a built-in makes a console copy; files are read-only. */
  editable: boolean;
  /** The current version of a console workflow; null for a built-in or a file. */
  version: number | null;
  /** A console copy of a built-in, which runs instead of it. */
  replacesBuiltIn: boolean;
  /** The workflow file it comes from (origin `file`). */
  file: string | null;
  enabled: boolean;
  notConfigured: string | null;
  scopes: string[];
  updatedAt: number | null;
  author: string | null;
}

export interface StudioDeps {
  db: Kysely<Database>;
  workflows: LiveWorkflows;
  workflowStore: WorkflowStore;
  /** A live HighLevel account: a workflow that sends is published only after a sandbox test (publish-checks.ts). */
  live: boolean;
  /** Default true; the CLI's import (an operator's deliberate act) does not ask. */
  requireSandboxTest?: boolean;
  now: () => number;
  logger: Logger;
  engine?: TemplateEngine;
  /** Default: workflows/builtin/. */
  builtinDir?: string;
}

export interface SaveAnswer extends WorkflowView {
  definition: WorkflowDefinition;
  /** On a workflow's first publish: how many times its trigger fired in the last 24 h. */
  reach?: { trigger: string; last24h: number };
}

export function createWorkflowStudio(deps: StudioDeps) {
  const engine = deps.engine ?? createTemplateEngine();
  let builtins: Promise<WorkflowDefinition[]> | null = null;

  /** Every shipped built-in as written (with its option steps), enabled by a feature or not. */
  function allBuiltins(): Promise<WorkflowDefinition[]> {
    builtins ??= loadWorkflows(deps.builtinDir ?? BUILTIN_WORKFLOWS_DIR, { engine, asWritten: true }).then((list) =>
      list.map((w) => w.definition),
    );
    return builtins;
  }

  async function views(): Promise<{ entries: EnabledWorkflow[]; views: WorkflowView[] }> {
    const [entries, stored, disabled] = await Promise.all([
      deps.workflows.entries(),
      deps.workflowStore.list(),
      disabledWorkflows(deps.db),
    ]);
    const byName = new Map(stored.map((w) => [w.name, w]));
    return {
      entries,
      views: entries.map((entry) => viewOf(entry, byName.get(entry.definition.name) ?? null, disabled)),
    };
  }

  function check(value: unknown): WorkflowDefinition {
    const checked = checkDefinition(value, engine);
    if (!checked.ok) throw invalid(checked.problems);
    return checked.definition;
  }

  /** Refuses names the console may not save: a workflow file's. */
  async function checkWritable(name: string): Promise<EnabledWorkflow | undefined> {
    const entry = (await deps.workflows.entries()).find((e) => e.definition.name === name);
    if (entry && entry.source !== BUILT_IN && entry.source !== STORED) {
      throw new WorkflowError(
        'workflow_read_only',
        `workflow ${name} comes from the file ${entry.file}; edit that file, or save this one under another name`,
      );
    }
    return entry;
  }

  async function publishCheck(definition: WorkflowDefinition): Promise<void> {
    if (!deps.live || deps.requireSandboxTest === false || !sends(definition)) return;
    if (await testedInSandbox(deps.db, definition, deps.now())) return;
    throw new WorkflowError(
      'test_required',
      `workflow ${definition.name} sends messages on a live account: run it against the sandbox first (POST /api/workflows/${definition.name}/test), then publish that same definition`,
    );
  }

  async function saved(stored: StoredWorkflow, options: { first: boolean }): Promise<SaveAnswer> {
    deps.workflows.invalidate();
    const { views: all } = await views();
    const view = all.find((v) => v.name === stored.name);
    const answer: SaveAnswer = {
      ...(view ?? storedView(stored)),
      definition: stored.definition,
    };
    if (options.first) {
      const sameTrigger = all.filter((v) => v.trigger === stored.definition.trigger).map((v) => v.name);
      answer.reach = {
        trigger: stored.definition.trigger,
        last24h: await triggerReach(deps.db, stored.definition.trigger, sameTrigger, deps.now()),
      };
    }
    return answer;
  }

  async function save(
    definition: WorkflowDefinition,
    author: string,
    note: string,
    mode: 'create' | 'update' | 'upsert',
  ): Promise<SaveAnswer> {
    const entry = await checkWritable(definition.name);
    const builtIn = (await allBuiltins()).some((b) => b.name === definition.name);
    const existing = await deps.workflowStore.get(definition.name);
    // A built-in has no row yet: editing it (PUT) creates the copy that replaces it.
    const effectiveMode = mode === 'update' && !existing && (builtIn || entry?.source === BUILT_IN) ? 'create' : mode;
    if (mode === 'update' && !existing && !builtIn) {
      throw new WorkflowError('workflow_not_found', `no workflow named ${definition.name}`);
    }
    await publishCheck(definition);
    const stored = await deps.workflowStore.save({
      definition,
      author,
      note,
      mode: effectiveMode,
      ...(existing ? {} : { basedOn: builtIn ? definition.name : null }),
    });
    deps.logger.info({ workflow: stored.name, version: stored.version, author, note }, 'workflow saved');
    await recordChange(deps.db, {
      at: deps.now(),
      actor: author,
      action: `workflow.${note.startsWith('restored') ? 'restored' : note}`,
      target: stored.name,
      detail: { version: stored.version, note },
    });
    return saved(stored, { first: existing === null });
  }

  return {
    /** Every workflow this deployment runs, and the built-ins it could start from. */
    async list(): Promise<{
      workflows: WorkflowView[];
      templates: { name: string; description: string | null; trigger: string }[];
      doubleSends: DoubleSend[];
    }> {
      const { entries, views: all } = await views();
      const names = new Set(all.map((v) => v.name));
      const templates = (await allBuiltins())
        .filter((b) => !names.has(b.name))
        .map((b) => ({ name: b.name, description: b.description ?? null, trigger: b.trigger }));
      // Two workflows sending on one trigger send two messages for one event (a new welcome beside the built-in).
      return { workflows: all, templates, doubleSends: doubleSendsAmong(entries) };
    },

    /** One workflow with its definition as written (a built-in not yet running included, as a template). */
    async get(name: string): Promise<WorkflowView & { definition: WorkflowDefinition }> {
      const { entries, views: all } = await views();
      const view = all.find((v) => v.name === name);
      const stored = await deps.workflowStore.get(name);
      if (stored) return { ...(view ?? storedView(stored)), definition: stored.definition };
      const builtin = (await allBuiltins()).find((b) => b.name === name);
      const entry = entries.find((e) => e.definition.name === name);
      if (view && entry)
        return { ...view, definition: entry.source === BUILT_IN && builtin ? builtin : entry.definition };
      if (builtin) return { ...templateView(builtin), definition: builtin };
      throw new WorkflowError('workflow_not_found', `no workflow named ${name}`);
    },

    async create(value: unknown, author: string): Promise<SaveAnswer> {
      return save(check(value), author, 'created', 'create');
    },

    async update(name: string, value: unknown, author: string): Promise<SaveAnswer> {
      const body = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
      if (body.name !== undefined && body.name !== name) {
        throw invalid([
          { path: 'name', message: `expected "${name}" (the workflow in the URL); rename by creating a new one` },
        ]);
      }
      return save(check({ ...body, name }), author, 'edited', 'update');
    },

    async remove(name: string, author: string): Promise<{ name: string; deleted: true }> {
      await checkWritable(name);
      if (!(await deps.workflowStore.remove(name, author))) {
        const builtin = (await allBuiltins()).some((b) => b.name === name);
        throw builtin
          ? new WorkflowError('workflow_read_only', `${name} is a built-in: switch it off instead of deleting it`)
          : new WorkflowError('workflow_not_found', `no workflow named ${name} is saved`);
      }
      deps.workflows.invalidate();
      deps.logger.info({ workflow: name, author }, 'workflow deleted');
      await recordChange(deps.db, { at: deps.now(), actor: author, action: 'workflow.deleted', target: name });
      return { name, deleted: true };
    },

    async versions(name: string): Promise<Omit<WorkflowVersion, 'definition'>[]> {
      const versions = await deps.workflowStore.versions(name);
      if (versions.length === 0)
        throw new WorkflowError('workflow_not_found', `workflow ${name} has no saved versions`);
      return versions.map(({ definition: _definition, ...rest }) => rest);
    },

    /** One version, its YAML, and its diff against the version before it (null for the first). */
    async version(name: string, version: number) {
      const current = await deps.workflowStore.version(name, version);
      const previous = version > 1 ? await deps.workflowStore.version(name, version - 1).catch(() => null) : null;
      return {
        ...current,
        yaml: workflowYaml(current.definition),
        diff: previous ? { against: previous.version, patch: versionPatch(name, previous, current) } : null,
      };
    },

    /** Saves an old version's definition as the newest version. */
    async restore(name: string, version: number, author: string): Promise<SaveAnswer> {
      const old = await deps.workflowStore.version(name, version);
      return save(old.definition, author, `restored from ${version}`, 'upsert');
    },

    async exportYaml(name: string): Promise<string> {
      return workflowYaml((await this.get(name)).definition);
    },

    /** A YAML file's workflows (one, or a list), each checked with file positions, then saved. */
    async importYaml(text: string, author: string, file = 'import.yaml'): Promise<SaveAnswer[]> {
      const parsed = parseWorkflowSource(text, file, engine, true);
      if (parsed.issues.length > 0)
        throw new WorkflowValidationError(describeIssues(parsed.issues), { issues: parsed.issues });
      if (parsed.workflows.length === 0)
        throw invalid([{ path: '(top level)', message: 'expected a workflow or a list of workflows' }]);
      const answers: SaveAnswer[] = [];
      for (const { definition } of parsed.workflows) answers.push(await save(definition, author, 'imported', 'upsert'));
      return answers;
    },
  };

  function viewOf(entry: EnabledWorkflow, stored: StoredWorkflow | null, disabled: Set<string>): WorkflowView {
    const origin: WorkflowOrigin =
      entry.source === BUILT_IN ? 'built-in' : entry.source === STORED ? 'console' : 'file';
    const { definition } = entry;
    return {
      name: definition.name,
      description: definition.description ?? null,
      trigger: definition.trigger,
      origin,
      editable: origin === 'console',
      version: entry.version,
      replacesBuiltIn: entry.replacesBuiltIn,
      file: origin === 'file' ? entry.file : null,
      enabled: !disabled.has(definition.name),
      notConfigured: entry.notConfigured,
      scopes: workflowScopes(definition),
      updatedAt: stored?.updatedAt ?? null,
      author: stored?.author ?? null,
    };
  }
}

export type WorkflowStudio = ReturnType<typeof createWorkflowStudio>;

function storedView(stored: StoredWorkflow): WorkflowView {
  return {
    ...templateView(stored.definition),
    origin: 'console',
    editable: true,
    version: stored.version,
    replacesBuiltIn: stored.basedOn !== null,
    updatedAt: stored.updatedAt,
    author: stored.author,
  };
}

function templateView(definition: WorkflowDefinition): WorkflowView {
  return {
    name: definition.name,
    description: definition.description ?? null,
    trigger: definition.trigger,
    origin: 'built-in',
    editable: false,
    version: null,
    replacesBuiltIn: false,
    file: null,
    enabled: false,
    notConfigured: null,
    scopes: workflowScopes(definition),
    updatedAt: null,
    author: null,
  };
}

/** Problems of a JSON definition as a validation error (line 0: a key path and no position). */
function invalid(problems: readonly DefinitionProblem[]): WorkflowValidationError {
  const issues: WorkflowIssue[] = problems.map((p) => ({ file: '(request)', line: 0, col: 0, ...p }));
  return new WorkflowValidationError(describe(issues), { issues });
}

function describe(issues: readonly WorkflowIssue[]): string {
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return first ? `invalid workflow: ${first.path}: ${first.message}${more}` : 'invalid workflow';
}

/**
 * The workflows a process runs, kept current without a restart. The built-ins its features switch on
 * and the workflow files are read once; the workflows saved in the console are re-read whenever the
 * store's revision changes (workflow-store.ts bumps it in the same transaction as every save). The
 * revision is checked at most once per `checkMs`, so a busy worker pays one indexed read a second, and
 * an edit reaches every process (a `serve`, several `worker`s) within about that long.
 */
import type { TemplateEngine } from '../lib/template-engine.js';
import type { VersionedWorkflow } from '../workflows/definition-schema.js';
import { withOptionsApplied } from '../workflows/load-workflows.js';
import type { WorkflowSource } from '../workflows/workflow-source.js';
import type { WorkflowStore } from '../workflows/workflow-store.js';
import { type EnabledWorkflow, type EnabledWorkflowsOptions, listEnabledWorkflows } from './enabled-workflows.js';

/** How often a process asks whether the console changed a workflow. */
export const DEFAULT_WORKFLOW_CHECK_MS = 1_000;

export interface LiveWorkflowsOptions {
  store: WorkflowStore;
  /** What the config enables (features, `workflows.path`, sponsors, polled events). */
  enabled: EnabledWorkflowsOptions;
  engine?: TemplateEngine;
  checkMs?: number;
  now?: () => number;
}

export interface LiveWorkflows extends WorkflowSource {
  /** Every workflow with where it came from (built-in, file or console), as `workflows list` shows them. */
  entries(): Promise<EnabledWorkflow[]>;
  /** Re-read on the next call, whatever the clock says (after this process saved a change). */
  invalidate(): void;
}

export function createLiveWorkflows(options: LiveWorkflowsOptions): LiveWorkflows {
  const now = options.now ?? Date.now;
  const checkMs = options.checkMs ?? DEFAULT_WORKFLOW_CHECK_MS;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let revision: string | null = null;
  let loading: Promise<{ entries: EnabledWorkflow[]; runs: VersionedWorkflow[] }> | null = null;

  async function load(): Promise<{ entries: EnabledWorkflow[]; runs: VersionedWorkflow[] }> {
    const stored = (await options.store.list()).map(
      (w): VersionedWorkflow => ({ ...withOptionsApplied(w.definition), version: w.version }),
    );
    const entries = await listEnabledWorkflows({
      ...options.enabled,
      stored,
      ...(options.engine ? { engine: options.engine } : {}),
    });
    return { entries, runs: entries.flatMap((w) => w.runs) };
  }

  async function snapshot() {
    if (loading === null || now() - checkedAt >= checkMs) {
      checkedAt = now();
      const latest = await options.store.revision();
      if (loading === null || latest !== revision) {
        revision = latest;
        const next = load();
        // A failed read is not cached: the next call tries again.
        next.catch(() => {
          if (loading === next) loading = null;
        });
        loading = next;
      }
    }
    return loading;
  }

  return {
    async current() {
      return (await snapshot()).runs;
    },
    async entries() {
      return (await snapshot()).entries;
    },
    invalidate() {
      checkedAt = Number.NEGATIVE_INFINITY;
    },
  };
}

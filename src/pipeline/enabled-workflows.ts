/**
 * The workflows a pipeline runs: the built-in ones its config's `features` switch on (one YAML file
 * each in workflows/builtin/, issue 4 Deliver 5), plus every workflow in a user directory or file
 * when one is given. Loaded with the engine's own loader, so a bad file fails start-up with
 * file:line:col errors instead of failing jobs later.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { FeatureName } from '../config/config-types.js';
import type { WorkflowDefinition } from '../workflows/definition-schema.js';
import { type LoadedWorkflow, loadWorkflows } from '../workflows/load-workflows.js';
import type { TemplateEngine } from '../workflows/template-engine.js';

/** workflows/builtin/ at the repository root (src/pipeline → ../../workflows/builtin). */
export const BUILTIN_WORKFLOWS_DIR = fileURLToPath(new URL('../../workflows/builtin/', import.meta.url));

/** Built-in workflow names per feature; features without one (the agent console) run no workflow. */
export const FEATURE_WORKFLOWS: Partial<Record<FeatureName, readonly string[]>> = {
  'registration-welcome': ['registration-welcome'],
  'checkin-welcome': ['checkin-welcome', 'checkin-preference-reply'],
  'session-highlights': ['session-highlights'],
  'sponsor-channel': ['sponsor-channel'],
};

export interface EnabledWorkflowsOptions {
  features: readonly FeatureName[];
  /** A user workflow file or directory (`workflows.path`), loaded in addition to the built-ins. */
  userPath?: string | null;
  engine?: TemplateEngine;
  /** Default BUILTIN_WORKFLOWS_DIR. */
  builtinDir?: string;
  /**
   * `sponsor.staffContactIds`: the built-in sponsor channel is loaded once per id (see
   * perStaffContact); with none, it is not loaded.
   */
  sponsorStaffContactIds?: readonly string[];
}

export async function loadEnabledWorkflows(options: EnabledWorkflowsOptions): Promise<WorkflowDefinition[]> {
  const engine = options.engine ? { engine: options.engine } : {};
  const builtin = await loadWorkflows(options.builtinDir ?? BUILTIN_WORKFLOWS_DIR, engine);
  const wanted = new Set(options.features.flatMap((feature) => FEATURE_WORKFLOWS[feature] ?? []));
  const chosen: LoadedWorkflow[] = builtin.filter((w) => wanted.has(w.definition.name));
  const definitions = chosen.flatMap((w) =>
    w.definition.name === SPONSOR_CHANNEL
      ? perStaffContact(w.definition, options.sponsorStaffContactIds ?? [])
      : [w.definition],
  );
  if (options.userPath) definitions.push(...(await loadWorkflows(options.userPath, engine)).map((w) => w.definition));
  return definitions;
}

const SPONSOR_CHANNEL = 'sponsor-channel';

/**
 * A workflow has no loop, and the relay must reach every staff contact exactly once each, so the
 * sponsor channel becomes one workflow per staff id: its own name (so its own run and journal per
 * inbound message, `<name>:message:<id>`) and `templates.staffContactId` set. The name carries a hash
 * of the id, not its position, so reordering the config does not make old messages look new.
 */
export function perStaffContact(
  definition: WorkflowDefinition,
  staffContactIds: readonly string[],
): WorkflowDefinition[] {
  return [...new Set(staffContactIds)].map((id) => ({
    ...definition,
    name: `${definition.name}.${createHash('sha256').update(id).digest('hex').slice(0, 12)}`,
    templates: { ...definition.templates, staffContactId: id },
  }));
}

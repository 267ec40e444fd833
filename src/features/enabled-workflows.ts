/**
 * The workflows a pipeline runs: the built-in ones its config's `features` switch on (one YAML file
 * each in workflows/builtin/), plus every workflow in a user directory or file (`workflows.path`). A
 * user workflow with a built-in's name replaces that built-in, so a copied and edited built-in runs
 * once, not beside the original. Loaded with the engine's own loader, so a bad file fails start-up
 * with file:line:col errors instead of failing jobs later.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { TemplateEngine } from '../lib/template-engine.js';
import type { VersionedWorkflow, WorkflowDefinition } from '../workflows/definition-schema.js';
import { type DoubleSend, findDoubleSends } from '../workflows/double-sends.js';
import { type LoadedWorkflow, loadWorkflows } from '../workflows/load-workflows.js';
import type { FeatureConfig } from './feature-config.js';
import type { FeatureName } from './feature-names.js';
import { polledSessionEvents, SESSIONS_NOT_CONFIGURED } from './session-followups.js';

/** workflows/builtin/ at the repository root (src/pipeline → ../../workflows/builtin). */
export const BUILTIN_WORKFLOWS_DIR = fileURLToPath(new URL('../../workflows/builtin/', import.meta.url));

/** What `source` says of a workflow shipped in BUILTIN_WORKFLOWS_DIR. */
export const BUILT_IN = 'built-in';
/** What `source` says of a workflow saved in the console (the database). */
export const STORED = 'console';

/** Built-in workflow names per feature; features without one (the agent console) run no workflow. */
export const FEATURE_WORKFLOWS: Partial<Record<FeatureName, readonly string[]>> = {
  'registration-welcome': ['registration-welcome'],
  'checkin-welcome': ['checkin-welcome', 'checkin-preference-reply'],
  'session-highlights': ['session-highlights'],
  'sponsor-channel': ['sponsor-channel', 'sponsor-relay'],
};

export interface EnabledWorkflowsOptions {
  features: readonly FeatureName[];
  /** A user workflow file or directory (`workflows.path`), loaded with the built-ins. */
  userPath?: string | null;
  engine?: TemplateEngine;
  /** Default BUILTIN_WORKFLOWS_DIR. */
  builtinDir?: string;
  /** `sponsor.sponsors`: the sponsor channel is loaded only when there is at least one. */
  sponsors?: readonly unknown[];
  /**
   * `sponsor.staffContactIds` (deprecated): the sponsor relay is loaded once per id (see
   * perStaffContact); with none, it is not loaded or listed.
   */
  sponsorStaffContactIds?: readonly string[];
  /**
   * Event URLs whose sessions are polled (`events[]` with `sessionsPoll`): with none, `session.ended`
   * workflows are not loaded and say "not configured", since nothing would start them. Absent: not checked.
   */
  sessionEvents?: readonly string[];
  /**
   * Workflows saved in the console, each with its version. One named like a built-in replaces it
   * (an edited built-in is a copy that runs instead, never beside it), and runs whether or not that
   * built-in's feature is on. A workflow file of the same name wins: files are read-only and the
   * console refuses to save such a name.
   */
  stored?: readonly VersionedWorkflow[];
}

export interface EnabledWorkflow {
  definition: WorkflowDefinition;
  /** BUILT_IN, STORED, or the user file it was loaded from. */
  source: string;
  /** A stored workflow's current version; null for a built-in or a file. */
  version: number | null;
  /** The file the definition was read from (a built-in's YAML file included). */
  file: string;
  /** A user workflow named like a built-in: it runs instead of that built-in. */
  replacesBuiltIn: boolean;
  /** The definitions it runs as: itself, or one per sponsor staff contact (none without staff). */
  runs: WorkflowDefinition[];
  /** Why it runs as nothing: the config lacks what it needs (the sponsor channel without sponsors). */
  notConfigured: string | null;
}

/** Every enabled workflow with where it came from, before the sponsor relay's per-staff copies. */
export async function listEnabledWorkflows(options: EnabledWorkflowsOptions): Promise<EnabledWorkflow[]> {
  const engine = options.engine ? { engine: options.engine } : {};
  const builtin = await loadWorkflows(options.builtinDir ?? BUILTIN_WORKFLOWS_DIR, engine);
  const user = options.userPath ? await loadWorkflows(options.userPath, engine) : [];
  const builtinNames = new Set(builtin.map((w) => w.definition.name));
  const userNames = new Set(user.map((w) => w.definition.name));
  const stored = (options.stored ?? []).filter((definition) => !userNames.has(definition.name));
  const replaced = new Set([...userNames, ...stored.map((definition) => definition.name)]);
  const wanted = new Set(options.features.flatMap((feature) => FEATURE_WORKFLOWS[feature] ?? []));
  const staff = options.sponsorStaffContactIds ?? [];
  const configured = (options.sponsors ?? []).length > 0;
  // The deprecated relay is not even listed without staff ids: nobody should start configuring it.
  if (staff.length === 0) wanted.delete(SPONSOR_RELAY);
  const entry = (loaded: LoadedWorkflow & { definition: VersionedWorkflow }, source: string): EnabledWorkflow => {
    const { definition } = loaded;
    const base = {
      definition,
      source,
      version: definition.version ?? null,
      file: loaded.file,
      replacesBuiltIn: source !== BUILT_IN && builtinNames.has(definition.name),
    };
    if (definition.name === SPONSOR_RELAY)
      return { ...base, runs: perStaffContact(definition, staff), notConfigured: null };
    if (definition.name === SPONSOR_CHANNEL && !configured)
      return { ...base, runs: [], notConfigured: SPONSOR_NOT_CONFIGURED };
    if (definition.trigger === 'session.ended' && options.sessionEvents?.length === 0)
      return { ...base, runs: [], notConfigured: SESSIONS_NOT_CONFIGURED };
    return { ...base, runs: [definition], notConfigured: null };
  };
  return [
    ...builtin
      .filter((w) => wanted.has(w.definition.name) && !replaced.has(w.definition.name))
      .map((w) => entry(w, BUILT_IN)),
    ...user.map((w) => entry(w, w.file)),
    ...stored.map((definition) => entry({ definition, file: STORED }, STORED)),
  ];
}

export async function loadEnabledWorkflows(options: EnabledWorkflowsOptions): Promise<WorkflowDefinition[]> {
  return (await listEnabledWorkflows(options)).flatMap((w) => w.runs);
}

/** The options a config gives: its features, `workflows.path`, sponsor staff and polled events. */
export function enabledWorkflowsOptions(
  config: Pick<FeatureConfig, 'features' | 'workflows' | 'sponsor' | 'events'>,
): EnabledWorkflowsOptions {
  return {
    features: config.features,
    userPath: config.workflows.path,
    sponsors: config.sponsor.sponsors,
    sponsorStaffContactIds: config.sponsor.staffContactIds,
    sessionEvents: polledSessionEvents(config),
  };
}

/** Enabled workflows that would send two messages for one event (see double-sends.ts). */
export function doubleSendsAmong(enabled: readonly EnabledWorkflow[]): DoubleSend[] {
  return findDoubleSends(enabled.filter((w) => w.runs.length > 0));
}

/** The built-in that tags an attendee routed to a sponsor; loaded only with sponsors configured. */
export const SPONSOR_CHANNEL = 'sponsor-channel';

/** What the sponsor channel lacks without sponsors; `workflows list`, doctor, scopes and the console say it. */
export const SPONSOR_MISSING = 'no sponsors in sponsor.sponsors (see README "Sponsor channel")';
export const SPONSOR_NOT_CONFIGURED = `not configured: ${SPONSOR_MISSING}`;

/** The deprecated built-in that runs once per sponsor staff contact (perStaffContact). */
export const SPONSOR_RELAY = 'sponsor-relay';

/**
 * A workflow has no loop, and the relay must reach every staff contact exactly once each, so the
 * sponsor relay becomes one workflow per staff id: its own name (so its own run and journal per
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

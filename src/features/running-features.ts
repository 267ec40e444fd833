/**
 * The features a config actually runs. A feature switched on without the settings it needs (the
 * sponsor channel without sponsors, session follow-ups without a polled event) runs nothing, so it
 * plans no scopes and is reported "not configured" — by `parley scopes`, `connect`, `doctor`,
 * `workflows list`, the sandbox connection and the console's workflows page alike.
 */

import type { WorkflowDefinition } from '../workflows/definition-schema.js';
import { loadWorkflows } from '../workflows/load-workflows.js';
import { SPONSOR_CHANNEL, SPONSOR_MISSING, SPONSOR_RELAY } from './enabled-workflows.js';
import type { FeatureConfig } from './feature-config.js';
import type { FeatureName } from './feature-names.js';
import { type PlanOptions, planScopes, type ScopePlan } from './scope-planner.js';
import { SESSIONS_NOT_CONFIGURED, sessionFollowUpState } from './session-followups.js';
import { SPONSOR_FEATURE, sponsorChannelStatus } from './sponsor-channel-status.js';

type FeatureConfigPart = Pick<FeatureConfig, 'features' | 'sponsor' | 'events'>;
type PlanConfigPart = FeatureConfigPart & Pick<FeatureConfig, 'workflows'>;

const SESSION_FEATURE: FeatureName = 'session-highlights';
const SESSION_WORKFLOW = 'session-highlights';

export function runningFeatures(config: FeatureConfigPart): FeatureName[] {
  const sponsor = sponsorChannelStatus(config);
  const sessions = sessionFollowUpState(config);
  return config.features.filter((feature) => {
    if (feature === SPONSOR_FEATURE) return sponsor.state === 'configured' || sponsor.relay;
    if (feature === SESSION_FEATURE) return sessions === 'configured';
    return true;
  });
}

/** Workflows a config switches on that are not loaded for want of settings, with what is missing. */
export function notConfiguredWorkflows(config: FeatureConfigPart): { name: string; reason: string }[] {
  const missing: { name: string; reason: string }[] = [];
  if (sponsorChannelStatus(config).state === 'not_configured') {
    missing.push({ name: SPONSOR_CHANNEL, reason: SPONSOR_MISSING });
  }
  if (sessionFollowUpState(config) === 'not_configured') {
    missing.push({ name: SESSION_WORKFLOW, reason: SESSIONS_NOT_CONFIGURED });
  }
  return missing;
}

/** The workflows of `workflows.path`, whose calls need scopes like the built-ins' do; none without it. */
export async function userWorkflowDefinitions(config: Pick<FeatureConfig, 'workflows'>): Promise<WorkflowDefinition[]> {
  if (!config.workflows.path) return [];
  return (await loadWorkflows(config.workflows.path)).map((w) => w.definition);
}

/** How a config's plan differs from its features' built-ins: its own workflow files, and built-ins it does not run. */
export interface ConfigPlanOptions {
  userWorkflows: WorkflowDefinition[];
  skipWorkflows: string[];
}

/** The deprecated sponsor relay runs only with `sponsor.staffContactIds`, so without them it needs nothing. */
function skippedBuiltins(config: Pick<FeatureConfig, 'sponsor'>): string[] {
  return config.sponsor.staffContactIds.length === 0 ? [SPONSOR_RELAY] : [];
}

/**
 * The scope plan of a config: the features it runs, its own workflow files, and none of the built-ins
 * it does not run. Every place that asks for, shows or checks scopes uses this, so they give one answer.
 */
export async function configPlanner(
  config: PlanConfigPart,
): Promise<{ features: FeatureName[]; options: ConfigPlanOptions; plan(options?: PlanOptions): ScopePlan }> {
  const features = runningFeatures(config);
  const options = { userWorkflows: await userWorkflowDefinitions(config), skipWorkflows: skippedBuiltins(config) };
  return { features, options, plan: (extra = {}) => planScopes(features, { ...extra, ...options }) };
}

/** What the console's connection views compare grants against; a workflow file that fails to load is left out. */
export async function plannedFor(
  config: PlanConfigPart,
): Promise<{ features: FeatureName[]; planOptions: ConfigPlanOptions }> {
  const features = runningFeatures(config);
  const userWorkflows = await userWorkflowDefinitions(config).catch(() => []);
  return { features, planOptions: { userWorkflows, skipWorkflows: skippedBuiltins(config) } };
}

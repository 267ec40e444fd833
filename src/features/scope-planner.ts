/**
 * The least-privilege scope planner: the minimal HighLevel scopes for a set of features, why each is
 * needed, and how a granted set compares. Scopes are derived from what each feature calls
 * (scope-needs.ts: its built-in workflows' steps and triggers, and its code paths outside workflows),
 * plus the index sync every worker runs. `parley scopes`, `parley connect highlevel`, `parley doctor`,
 * the console and the sandbox connection all ask this one function.
 */

import type { Connection } from '../credentials/types.js';
import { OAUTH_OPERATIONS } from '../highlevel/generated/operations.js';
import type { WorkflowDefinition } from '../workflows/definition-schema.js';
import type { FeatureName } from './feature-names.js';
import { AGENCY_OPERATIONS, ALWAYS_ON_CODE_PATHS } from './feature-operations.js';
import { codePathNeeds, featureNeeds, type ScopeNeed, workflowNeeds } from './scope-needs.js';

/**
 * Who needs a scope: a feature, the index sync every worker runs, or the agency → location token
 * exchange of a Company connection.
 */
export type ScopeConsumer = FeatureName | 'index-sync' | 'agency-location-tokens' | 'user-workflows';

export interface ScopeReason {
  feature: ScopeConsumer;
  operations: string[];
  events: string[];
}

export interface ScopePlan {
  /** Sorted, no duplicates. */
  scopes: string[];
  reasons: Record<string, ScopeReason[]>;
}

export interface PlanOptions {
  /** 'Company' adds the oauth scopes an agency grant needs to mint location tokens. */
  userType?: 'Location' | 'Company' | null;
  /** The workflows of `workflows.path`: what their steps and triggers call is planned too. */
  userWorkflows?: readonly WorkflowDefinition[];
  /** Built-in workflows the config does not run (the sponsor relay without staff ids): planned for nothing. */
  skipWorkflows?: readonly string[];
}

export interface ScopeComparison {
  missing: { scope: string; features: ScopeConsumer[] }[];
  /** Granted but not needed: harmless to run with, but more than least privilege. */
  extra: string[];
}

export function planScopes(features: readonly FeatureName[], options: PlanOptions = {}): ScopePlan {
  const reasons: Record<string, ScopeReason[]> = {};
  const add = (consumer: ScopeConsumer, need: ScopeNeed): void => {
    const list = reasons[need.scope] ?? [];
    reasons[need.scope] = list;
    let reason = list.find((r) => r.feature === consumer);
    if (!reason) {
      reason = { feature: consumer, operations: [], events: [] };
      list.push(reason);
    }
    if (need.operation !== undefined && !reason.operations.includes(need.operation)) {
      reason.operations.push(need.operation);
    }
    if (need.event !== undefined && !reason.events.includes(need.event)) reason.events.push(need.event);
  };

  const skip = new Set(options.skipWorkflows ?? []);
  for (const feature of new Set(features)) for (const need of featureNeeds(feature, skip)) add(feature, need);
  for (const need of ALWAYS_ON_CODE_PATHS.flatMap(codePathNeeds)) add('index-sync', need);
  for (const need of (options.userWorkflows ?? []).flatMap(workflowNeeds)) add('user-workflows', need);
  if (options.userType === 'Company') {
    for (const operationId of AGENCY_OPERATIONS) {
      const operation = OAUTH_OPERATIONS.find((op) => op.operationId === operationId);
      for (const scope of operation?.scopes ?? []) add('agency-location-tokens', { scope, operation: operationId });
    }
  }
  return { scopes: Object.keys(reasons).sort(), reasons };
}

/** The enabled features (and other consumers) that need `scope`; empty when none does. */
export function featuresNeeding(
  scope: string,
  features: readonly FeatureName[],
  options: PlanOptions = {},
): ScopeConsumer[] {
  return (planScopes(features, options).reasons[scope] ?? []).map((reason) => reason.feature);
}

export function compareGranted(planned: ScopePlan, granted: readonly string[]): ScopeComparison {
  const have = new Set(granted);
  const missing = planned.scopes
    .filter((scope) => !have.has(scope))
    .map((scope) => ({ scope, features: (planned.reasons[scope] ?? []).map((reason) => reason.feature) }));
  const needed = new Set(planned.scopes);
  const extra = [...have].filter((scope) => !needed.has(scope)).sort();
  return { missing, extra };
}

/** "conversations.write (needed by registration-welcome, agent-console)": the wording commands and routes share. */
export function describeMissing(missing: ScopeComparison['missing']): string[] {
  return missing.map((m) => `${m.scope} (needed by ${m.features.join(', ')})`);
}

/**
 * A HighLevel connection's granted scopes against the plan for its kind: an agency (Company) grant
 * also needs the oauth scopes. Null for other providers, which have no scopes.
 */
export function compareConnectionScopes(
  connection: Pick<Connection, 'provider' | 'userType' | 'scopes'>,
  features: readonly FeatureName[],
  options: Omit<PlanOptions, 'userType'> = {},
): ScopeComparison | null {
  if (connection.provider !== 'highlevel') return null;
  return compareGranted(planScopes(features, { ...options, userType: connection.userType }), connection.scopes);
}

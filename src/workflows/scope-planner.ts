/**
 * The least-privilege scope planner (DESIGN C1): the minimal HighLevel scopes for a set of
 * features, why each is needed, and how a granted set compares. Each operation's scope comes from
 * the operation catalog (generated from HighLevel's spec; contacts from reference/highlevel-api.md
 * §7.7), each event's from WEBHOOK_EVENT_SCOPES.
 */
import type { FeatureName } from '../config/config-types.js';
import type { Connection } from '../connections/types.js';
import { OAUTH_OPERATIONS } from '../highlevel/generated/operations.js';
import { findOperation } from '../highlevel/operation-catalog.js';
import { AGENCY_OPERATIONS, FEATURES, WEBHOOK_EVENT_SCOPES } from './features.js';

/** Who needs a scope: a feature, or the agency → location token exchange of a Company connection. */
export type ScopeConsumer = FeatureName | 'agency-location-tokens';

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
}

export interface ScopeComparison {
  missing: { scope: string; features: ScopeConsumer[] }[];
  /** Granted but not needed: harmless to run with, but more than least privilege. */
  extra: string[];
}

export function planScopes(features: readonly FeatureName[], options: PlanOptions = {}): ScopePlan {
  const reasons: Record<string, ScopeReason[]> = {};
  const add = (scope: string, feature: ScopeConsumer, operation: string | null, event: string | null): void => {
    const list = reasons[scope] ?? [];
    reasons[scope] = list;
    let reason = list.find((r) => r.feature === feature);
    if (!reason) {
      reason = { feature, operations: [], events: [] };
      list.push(reason);
    }
    if (operation !== null && !reason.operations.includes(operation)) reason.operations.push(operation);
    if (event !== null && !reason.events.includes(event)) reason.events.push(event);
  };

  for (const feature of new Set(features)) {
    const spec = FEATURES[feature];
    for (const operationId of spec.operations) {
      for (const scope of findOperation(operationId).scopes) add(scope, feature, operationId, null);
    }
    for (const event of spec.events) add(WEBHOOK_EVENT_SCOPES[event], feature, null, event);
  }
  if (options.userType === 'Company') {
    for (const operationId of AGENCY_OPERATIONS) {
      const operation = OAUTH_OPERATIONS.find((op) => op.operationId === operationId);
      for (const scope of operation?.scopes ?? []) add(scope, 'agency-location-tokens', operationId, null);
    }
  }
  return { scopes: Object.keys(reasons).sort(), reasons };
}

/** The enabled features (and agency exchange) that need `scope`; empty when none does. */
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
): ScopeComparison | null {
  if (connection.provider !== 'highlevel') return null;
  return compareGranted(planScopes(features, { userType: connection.userType }), connection.scopes);
}

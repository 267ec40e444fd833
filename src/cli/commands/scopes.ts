/**
 * `parley scopes`: the minimal HighLevel scope set for the enabled features and why each scope is
 * needed, and, when connections exist, what each connection is missing or holds beyond it.
 */
import type { Command } from 'commander';
import { type CommandIo, processIo } from '../../app/command-io.js';
import { loadFileConfig } from '../../app/load-file-config.js';
import { openExistingRuntime } from '../../app/open-runtime.js';
import { FEATURE_WORKFLOWS } from '../../features/enabled-workflows.js';
import type { FeatureName } from '../../features/feature-names.js';
import { FEATURE_NAMES, isFeatureName } from '../../features/feature-names.js';
import { type ConfigPlanOptions, configPlanner, notConfiguredWorkflows } from '../../features/running-features.js';
import {
  compareConnectionScopes,
  describeMissing,
  planScopes,
  type ScopeComparison,
  type ScopePlan,
} from '../../features/scope-planner.js';
import { CliError } from '../cli-error.js';
import { toCliError, withCliErrors } from '../to-cli-error.js';

/** The feature a built-in workflow belongs to, for the "not configured" lines. */
function featureOf(workflow: string): string {
  const entry = Object.entries(FEATURE_WORKFLOWS).find(([, names]) => names?.includes(workflow));
  return entry?.[0] ?? workflow;
}

export interface ScopesOptions {
  features?: string;
  json?: boolean;
}

interface ConnectionScopes extends ScopeComparison {
  id: string;
  accountKey: string;
  label: string;
  kind: string;
}

export function register(program: Command): void {
  program
    .command('scopes')
    .description('the minimal HighLevel scopes for the enabled features, why each is needed, and what connections lack')
    .option('--features <list>', `comma-separated features instead of the config's (${FEATURE_NAMES.join(', ')})`)
    .option('--json', 'print JSON')
    .action(async (options: ScopesOptions) => {
      await runScopes(options, processIo());
    });
}

export async function runScopes(options: ScopesOptions, io: CommandIo): Promise<void> {
  const config =
    options.features === undefined
      ? await withCliErrors(() => loadFileConfig({ env: io.env, cwd: io.cwd, sandboxUrl: io.sandboxUrl }))
      : null;
  // A feature the config switches on without its settings runs nothing, so it asks for nothing either;
  // the config's own workflow files ask for what they call.
  const planner = config ? await withCliErrors(() => configPlanner(config)) : null;
  const features = planner ? planner.features : parseFeatures(options.features ?? '');
  const notConfigured = config
    ? notConfiguredWorkflows(config).map(({ name, reason }) => ({
        feature: featureOf(name),
        reason: reason.startsWith('not configured') ? reason : `not configured: ${reason}`,
      }))
    : [];
  const planOptions = planner?.options ?? { userWorkflows: [], skipWorkflows: [] };
  const plan = planner ? planner.plan() : planScopes(features);
  const checked = await checkConnections(features, planOptions, io);

  if (options.json) {
    io.write(
      `${JSON.stringify(
        {
          features,
          scopes: plan.scopes,
          reasons: plan.reasons,
          connections: checked.connections,
          ...(notConfigured.length > 0 ? { notConfigured } : {}),
          ...(checked.error ? { connectionsError: checked.error } : {}),
        },
        null,
        2,
      )}\n`,
    );
    return;
  }
  io.write(formatPlan(features, plan));
  for (const { feature, reason } of notConfigured) io.write(`${feature}: ${reason}; its scopes are left out\n\n`);
  io.write(formatConnections(checked));
}

function parseFeatures(text: string): FeatureName[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !isFeatureName(name));
  if (unknown.length > 0 || names.length === 0) {
    const what = unknown.length > 0 ? `unknown feature ${unknown.map((n) => `"${n}"`).join(', ')}` : 'no feature given';
    throw new CliError(
      'invalid_option',
      `--features: ${what}; expected a comma-separated list of ${FEATURE_NAMES.join(', ')}`,
      { exitCode: 2 },
    );
  }
  return names.filter(isFeatureName);
}

async function checkConnections(
  features: FeatureName[],
  planOptions: ConfigPlanOptions,
  io: CommandIo,
): Promise<{ connections: ConnectionScopes[] | null; error?: string }> {
  let runtime: Awaited<ReturnType<typeof openExistingRuntime>>;
  try {
    runtime = await openExistingRuntime(io);
  } catch (error) {
    // The plan is still worth printing when the vault or store cannot be opened; say why connections were skipped.
    return { connections: null, error: toCliError(error).message };
  }
  if (runtime === null) return { connections: [] };
  try {
    const connections = await runtime.repository.list({ provider: 'highlevel' });
    return {
      connections: connections.flatMap((connection) => {
        const comparison = compareConnectionScopes(connection, features, planOptions);
        if (comparison === null) return [];
        const { id, accountKey, label, kind } = connection;
        return [{ id, accountKey, label, kind, ...comparison }];
      }),
    };
  } finally {
    await runtime.close();
  }
}

function formatPlan(features: FeatureName[], plan: ScopePlan): string {
  const lines = [`HighLevel scopes for ${features.join(', ')} (${plan.scopes.length}):`, ''];
  for (const scope of plan.scopes) {
    lines.push(scope);
    for (const reason of plan.reasons[scope] ?? []) {
      const parts = [];
      if (reason.operations.length > 0) parts.push(reason.operations.join(', '));
      if (reason.events.length > 0) parts.push(`webhook ${reason.events.join(', ')}`);
      lines.push(`  ${reason.feature.padEnd(24)} ${parts.join('; ')}`);
    }
  }
  lines.push('', `Request: ${plan.scopes.join(' ')}`, '');
  return `${lines.join('\n')}\n`;
}

function formatConnections(checked: { connections: ConnectionScopes[] | null; error?: string }): string {
  if (checked.connections === null) return `Connections not checked: ${checked.error ?? 'unknown reason'}\n`;
  if (checked.connections.length === 0) return 'No HighLevel connections yet.\n';
  const lines = ['HighLevel connections:'];
  for (const c of checked.connections) {
    const problems: string[] = [];
    if (c.missing.length > 0) problems.push(`missing ${describeMissing(c.missing).join(', ')}`);
    if (c.extra.length > 0) problems.push(`extra (not needed) ${c.extra.join(', ')}`);
    lines.push(
      `  ${c.accountKey} "${c.label}" (${c.kind}): ${problems.length > 0 ? problems.join('; ') : 'scopes match the plan'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

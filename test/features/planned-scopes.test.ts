/**
 * The planned scopes are the scopes parley needs, proven against the HighLevel sandbox, which answers
 * 403 naming the missing scope: each feature's built-in workflows (guards and the inbound-message job
 * included), every console action and the index sync run with a token holding exactly their planned
 * scopes and meet no 403 and call nothing the plan does not name; and with any one planned scope
 * taken away, the consumer that needs it fails with an error naming that scope (the console words its
 * errors itself and keeps HighLevel's text out, so there the audit trail names it). On both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeatureName } from '../../src/features/feature-names.js';
import { planScopes, type ScopeConsumer } from '../../src/features/scope-planner.js';
import { type ConsoleApp, startConsoleApp } from '../helpers/console-app.js';
import { DATABASE_KINDS } from '../helpers/databases.js';
import {
  consoleScenario,
  featureScenario,
  indexSyncScenario,
  type ScopeWorld,
  startScopeWorld,
} from './scope-scenarios.js';

const CONSUMERS: readonly Exclude<ScopeConsumer, 'agency-location-tokens' | 'user-workflows'>[] = [
  'registration-welcome',
  'checkin-welcome',
  'session-highlights',
  'sponsor-channel',
  'agent-console',
  'agent-console-readonly',
  'index-sync',
];

function planFor(consumer: ScopeConsumer) {
  return planScopes(consumer === 'index-sync' ? [] : [consumer as FeatureName]);
}

/** The scopes the consumer needs for an operation it calls (an event-only need cannot be refused by a call). */
function calledScopes(consumer: ScopeConsumer): string[] {
  return Object.entries(planFor(consumer).reasons)
    .filter(([, reasons]) => reasons.some((r) => r.feature === consumer && r.operations.length > 0))
    .map(([scope]) => scope);
}

describe.each(DATABASE_KINDS)('planned scopes against the sandbox [%s]', (kind) => {
  let harness: ConsoleApp;
  let world: ScopeWorld;
  beforeAll(async () => {
    harness = await startConsoleApp(kind, { attendees: 40, sync: false });
    world = await startScopeWorld(harness);
  });
  afterAll(async () => {
    await world?.close();
    await harness?.close();
  });

  function scenario(consumer: (typeof CONSUMERS)[number]): Promise<string[]> {
    if (consumer === 'index-sync') return indexSyncScenario(world);
    if (consumer === 'agent-console') return consoleScenario(world, true);
    if (consumer === 'agent-console-readonly') return consoleScenario(world, false);
    return featureScenario(world, consumer);
  }

  /** The audited calls made while `body` ran (the audit trail keeps every attempt with its status). */
  async function callsDuring(body: () => Promise<void>) {
    const db = harness.database.store.db;
    const before = new Set((await db.selectFrom('highlevel_calls').select('id').execute()).map((r) => r.id));
    await body();
    const after = await db.selectFrom('highlevel_calls').select(['id', 'operation_id', 'status', 'scope']).execute();
    return after.filter((r) => !before.has(r.id));
  }

  /** The consumer's scenario on exactly its planned scopes: its failures and the calls it made. */
  async function runWithPlannedScopes(consumer: (typeof CONSUMERS)[number]) {
    const plan = planFor(consumer);
    world.setScopes(plan.scopes);
    let failures: string[] = [];
    const calls = await callsDuring(async () => {
      failures = await scenario(consumer);
    });
    return { plan, failures, calls };
  }

  /** One such run per consumer, made by whichever of its tests comes first. */
  const plannedRuns = new Map<string, ReturnType<typeof runWithPlannedScopes>>();
  function withPlannedScopes(consumer: (typeof CONSUMERS)[number]) {
    let run = plannedRuns.get(consumer);
    if (!run) {
      run = runWithPlannedScopes(consumer);
      plannedRuns.set(consumer, run);
    }
    return run;
  }

  for (const consumer of CONSUMERS) {
    it(`${consumer}: runs on exactly its planned scopes without meeting a 403`, async () => {
      const { failures, calls } = await withPlannedScopes(consumer);
      expect(failures).toEqual([]);
      expect(calls.length).toBeGreaterThan(0);
      expect(calls.filter((c) => c.status === 403).map((c) => c.operation_id)).toEqual([]);
    });

    it(`${consumer}: calls only operations the plan names`, async () => {
      const { plan, calls } = await withPlannedScopes(consumer);
      const planned = new Set(
        Object.values(plan.reasons)
          .flat()
          .filter((r) => r.feature === consumer)
          .flatMap((r) => r.operations),
      );
      expect([...new Set(calls.map((c) => c.operation_id))].filter((op) => !planned.has(op))).toEqual([]);
    });

    it(`${consumer}: fails naming the scope when any one scope it calls with is missing`, async () => {
      const plan = planFor(consumer);
      const needed = calledScopes(consumer);
      expect(needed.length).toBeGreaterThan(0);
      for (const scope of needed) {
        world.setScopes(plan.scopes.filter((s) => s !== scope));
        let failures: string[] = [];
        const calls = await callsDuring(async () => {
          failures = await scenario(consumer);
        });
        const why = `${consumer} without ${scope}`;
        expect(failures.length, why).toBeGreaterThan(0);
        // Each refusal is audited with the operation's scope; the sandbox's 403 names the missing one.
        expect(
          calls.filter((c) => c.status === 403).map((c) => c.scope),
          why,
        ).toContain(scope);
        if (consumer.startsWith('agent-console')) {
          // The console tells its users what failed in its own words, HighLevel's code and status beside.
          expect(failures.join('\n'), why).toMatch(/: 502 .*"upstream":\{"code":"forbidden","status":403/);
        } else {
          expect(failures.join('\n'), why).toContain(`Missing scope: ${scope}`);
        }
      }
    });
  }
});

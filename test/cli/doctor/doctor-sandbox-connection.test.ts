/**
 * `parley doctor` after switching highlevel.target to live: a connection made while the target was
 * the sandbox is reported (not probed), with what to do about it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runDoctorCommand } from '../../../src/cli/commands/doctor.js';
import { DEFAULT_FEATURES } from '../../../src/features/feature-names.js';
import { planScopes } from '../../../src/features/scope-planner.js';
import { createDiagnosticsWorld, type DiagnosticsWorld } from '../diagnostics-world.js';

let world: DiagnosticsWorld;
beforeEach(async () => {
  world = await createDiagnosticsWorld();
});
afterEach(async () => {
  await world.dispose();
});

interface Check {
  name: string;
  level: string;
  detail: string;
  fix?: string;
}

/** Saves a connection against the sandbox, then runs doctor --json under a live target; answers its checks. */
async function doctorUnderLiveTarget() {
  // No config file yet: the target is the sandbox, so the connection is saved as a sandbox one.
  const { connection } = await world.seedHighLevel({ scopes: planScopes(DEFAULT_FEATURES).scopes });
  // The live target, still pointed at the sandbox's URL so the clock check makes no outside call.
  await writeFile(
    join(world.dir, 'parley.config.yaml'),
    `highlevel:\n  target: live\n  clientId: live-app-1\n  baseUrl: ${world.sandbox.url}\n`,
  );
  await runDoctorCommand({ json: true }, world.io({ env: { HIGHLEVEL_CLIENT_SECRET: 'live-secret' } }));
  const { checks } = JSON.parse(world.output()) as { checks: Check[] };
  return { checks, name: connection.accountKey };
}

it('warns that a live target ignores a connection made against the sandbox, saying to remove or reconnect it', async () => {
  const { checks, name } = await doctorUnderLiveTarget();
  expect(checks.find((c) => c.name === `${name} target`)).toEqual({
    name: `${name} target`,
    level: 'warn',
    detail: `connection ${name} was made against the sandbox; the live target ignores it`,
    fix: 'remove or reconnect it: `parley connect highlevel` against the live target replaces it',
  });
});

it('does not probe a sandbox connection under a live target', async () => {
  const { checks, name } = await doctorUnderLiveTarget();
  expect(checks.filter((c) => c.name.startsWith(name)).map((c) => c.name)).toEqual([`${name} target`]);
});

it('probes the same connection as usual while the target is the sandbox', async () => {
  const { connection } = await world.seedHighLevel({ scopes: planScopes(DEFAULT_FEATURES).scopes });
  await runDoctorCommand({ json: true }, world.io());
  const { checks } = JSON.parse(world.output()) as { checks: Check[] };
  expect(checks.find((c) => c.name === `${connection.accountKey} probe`)).toMatchObject({ level: 'ok' });
  expect(checks.some((c) => c.name === `${connection.accountKey} target`)).toBe(false);
});

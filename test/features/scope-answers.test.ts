/**
 * `parley scopes`, `parley workflows list` and `parley doctor` give one answer for the same config,
 * because they ask the same derivation: with the check-in welcome, the inbound-message job's
 * get-contact makes contacts.readonly needed, so doctor calls it missing when absent and never
 * "granted but not needed" when present.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDoctorCommand } from '../../src/cli/commands/doctor.js';
import { runScopes } from '../../src/cli/commands/scopes.js';
import { runList } from '../../src/cli/commands/workflows.js';
import { planScopes } from '../../src/features/scope-planner.js';
import { createDiagnosticsWorld, type DiagnosticsWorld } from '../cli/diagnostics-world.js';

let world: DiagnosticsWorld;
beforeEach(async () => {
  world = await createDiagnosticsWorld();
  await writeFile(join(world.dir, 'parley.config.yaml'), 'features: [checkin-welcome]\n');
});
afterEach(async () => {
  await world.dispose();
});

const doctorScopeLines = (out: string) => out.split('\n').filter((line) => / scopes +/.test(line));

describe('one scope answer for scopes, workflows list and doctor', () => {
  it('plans in `parley scopes` exactly the union of the scopes `workflows list` shows, contacts.readonly included', async () => {
    await runScopes({ json: true }, world.io());
    const planned = JSON.parse(world.output()).scopes as string[];
    expect(planned).toEqual(planScopes(['checkin-welcome']).scopes);
    expect(planned).toContain('contacts.readonly');

    world.reset();
    await runList(undefined, { json: true }, world.io());
    const rows = JSON.parse(world.output()) as { name: string; scopes: string[] }[];
    expect(rows.map((r) => r.name).sort()).toEqual(['checkin-preference-reply', 'checkin-welcome']);
    expect([...new Set(rows.flatMap((r) => r.scopes))].sort()).toEqual(planned);
  });

  it('doctor finds nothing missing or extra in a grant of exactly the plan', async () => {
    await world.seedHighLevel({ scopes: planScopes(['checkin-welcome']).scopes });
    await runDoctorCommand({}, world.io());
    expect(doctorScopeLines(world.output())).toEqual([
      expect.stringMatching(/^ok +\S+ scopes +every scope the enabled features need is granted$/),
    ]);
  });

  it('doctor names contacts.readonly missing, needed by checkin-welcome, in a grant without it', async () => {
    const planned = planScopes(['checkin-welcome']).scopes;
    await world.seedHighLevel({ scopes: planned.filter((scope) => scope !== 'contacts.readonly') });
    await runDoctorCommand({}, world.io()).catch(() => undefined);
    expect(doctorScopeLines(world.output())).toEqual([
      expect.stringMatching(/^fail +\S+ scopes +missing contacts\.readonly \(needed by checkin-welcome\)$/),
    ]);
  });
});

/**
 * `parley doctor` on the workflows the config enables: an ok line naming them and where a file one
 * comes from, a warning naming both workflows when two would send on the same trigger, and a failure
 * with file:line:col when a workflow file is invalid.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDoctorCommand } from '../../../src/cli/commands/doctor.js';
import { DEFAULT_FEATURES } from '../../../src/features/feature-names.js';
import { planScopes } from '../../../src/features/scope-planner.js';
import { WELCOME_YAML } from '../../workflows/workflow-fixture.js';
import { createDiagnosticsWorld, type DiagnosticsWorld } from '../diagnostics-world.js';

let world: DiagnosticsWorld;
beforeEach(async () => {
  world = await createDiagnosticsWorld();
  await world.seedHighLevel({ scopes: planScopes(DEFAULT_FEATURES).scopes });
});
afterEach(async () => {
  await world.dispose();
});

const workflowLines = (out: string) => out.split('\n').filter((line) => /^(ok|warn|fail) +workflows /.test(line));

async function userWorkflow(file: string, text: string): Promise<string> {
  await mkdir(join(world.dir, 'flows'), { recursive: true });
  await writeFile(join(world.dir, 'flows', file), text);
  await writeFile(join(world.dir, 'parley.config.yaml'), 'workflows:\n  path: flows\n');
  return join(world.dir, 'flows', file);
}

describe('parley doctor, workflows', () => {
  it('lists the enabled workflows on one ok line, naming the file that replaces a built-in', async () => {
    const file = await userWorkflow('welcome.yaml', WELCOME_YAML);
    await runDoctorCommand({}, world.io());
    const lines = workflowLines(world.output());
    expect(lines).toHaveLength(1);
    // No events are configured, so session-highlights is "not configured" rather than enabled.
    expect(lines[0]).toMatch(/^ok +workflows +3 enabled: /);
    expect(lines[0]).toContain(`checkin-preference-reply, checkin-welcome, registration-welcome (${file})`);
  });

  it('warns, naming both, when a file welcome sends beside the built-in one on the same trigger', async () => {
    const file = await userWorkflow(
      'mine.yaml',
      WELCOME_YAML.replace('name: registration-welcome', 'name: my-welcome'),
    );
    await runDoctorCommand({}, world.io());
    const out = world.output();
    const warned = workflowLines(out).filter((line) => line.startsWith('warn'));
    expect(warned).toEqual([
      expect.stringContaining(
        `registration-welcome (built-in) and my-welcome (${file}) both send a message on trigger accelevents.registration`,
      ),
    ]);
    expect(out).toContain('name the file\'s workflow "registration-welcome"');
  });

  it('fails the workflows check with file:line:col for an invalid workflow file', async () => {
    const file = await userWorkflow(
      'bad.yaml',
      WELCOME_YAML.replace('action: contacts.upsert', 'action: contact.upsert'),
    );
    const error = await runDoctorCommand({}, world.io()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'doctor_failed' });
    const [line] = workflowLines(world.output());
    expect(line).toMatch(/^fail +workflows /);
    expect(world.output()).toContain(`${file}:6:13 steps[0].action: unknown action "contact.upsert"`);
  });
});

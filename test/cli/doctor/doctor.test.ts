/**
 * `parley doctor` against the sandbox: a healthy installation passes; a wrong master key, a
 * connection missing a scope, a revoked connection and a skewed clock are each reported with the fix.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRuntimeFor } from '../../../src/app/open-runtime.js';
import { runDoctorCommand } from '../../../src/cli/commands/doctor.js';
import { DEFAULT_FEATURES } from '../../../src/features/feature-names.js';
import { planScopes } from '../../../src/features/scope-planner.js';
import { createDiagnosticsWorld, type DiagnosticsWorld, newMasterKey, thrownBy } from '../diagnostics-world.js';

let world: DiagnosticsWorld;
beforeEach(async () => {
  world = await createDiagnosticsWorld();
});
afterEach(async () => {
  await world.dispose();
});

const planned = () => planScopes(DEFAULT_FEATURES).scopes;
const lineOf = (out: string, pattern: RegExp) => out.split('\n').find((line) => pattern.test(line)) ?? '';

describe('parley doctor', () => {
  it('passes every check on a sandbox connection granted exactly the planned scopes', async () => {
    await world.seedHighLevel({ scopes: planned() });
    await runDoctorCommand({}, world.io());
    const out = world.output();
    expect(out).not.toMatch(/^(fail|warn)/m);
    for (const name of ['environment', 'config', 'master key', 'store', 'vault', 'clock skew']) {
      expect(lineOf(out, new RegExp(`^ok +${name} `))).not.toBe('');
    }
    expect(out).toMatch(/^ok +location:\S+ probe +search-conversation answered 200$/m);
    expect(out).toMatch(/^ok +location:\S+ scopes +every scope the enabled features need is granted$/m);
  });

  /** Runs doctor with a master key other than the database's; answers the error and what it printed. */
  async function doctorWithWrongMasterKey() {
    await world.seedHighLevel({ scopes: planned() });
    const error = await thrownBy(() => runDoctorCommand({}, world.io({ env: { PARLEY_MASTER_KEY: newMasterKey() } })));
    return { error, out: world.output() };
  }

  it('fails with exit code 1 on a wrong master key, saying how to fix it', async () => {
    const { error, out } = await doctorWithWrongMasterKey();
    expect(error.code).toBe('doctor_failed');
    expect(error.exitCode).toBe(1);
    expect(lineOf(out, /^fail +vault /)).toContain('differs from the one this database was initialised with');
    expect(out).toContain('fix: the key differs from the one this database was initialised with');
  });

  it('leaves the connections unchecked on a wrong master key', async () => {
    const { out } = await doctorWithWrongMasterKey();
    expect(out).toMatch(/^warn +connections +not checked/m);
  });

  /** Runs doctor with a misspelt config key and no master key; answers the error and what it printed. */
  async function doctorWithBadConfigAndNoKey() {
    await writeFile(join(world.dir, 'parley.config.yaml'), 'refresh:\n  marginSecond: 600\n');
    const error = await thrownBy(() => runDoctorCommand({}, world.io({ env: { PARLEY_MASTER_KEY: '' } })));
    return { error, out: world.output() };
  }

  it('fails the config check with file:line:col of a bad key', async () => {
    const { error, out } = await doctorWithBadConfigAndNoKey();
    expect(error.code).toBe('doctor_failed');
    expect(out).toMatch(/^fail +config +invalid config file:$/m);
    expect(out).toContain('parley.config.yaml:2:3 refresh.marginSecond: unknown key; expected one of marginSeconds');
  });

  it('fails the master key check with `parley init` when there is no key, whatever the config says', async () => {
    const { out } = await doctorWithBadConfigAndNoKey();
    expect(lineOf(out, /^fail +master key /)).toContain('master.key');
    expect(out).toContain('fix: run `parley init` to create the key file, or set PARLEY_MASTER_KEY');
  });

  it('still checks the store when the earlier checks fail', async () => {
    const { out } = await doctorWithBadConfigAndNoKey();
    expect(out).toMatch(/^ok +store /m);
  });

  it('fails on a connection missing a scope, naming the features that need it', async () => {
    await world.seedHighLevel({ scopes: planned().filter((scope) => scope !== 'contacts.write') });
    const error = await thrownBy(() => runDoctorCommand({ json: true }, world.io()));
    expect(error.code).toBe('doctor_failed');
    const report = JSON.parse(world.output());
    expect(report.ok).toBe(false);
    const failed = report.checks.filter((check: { level: string }) => check.level === 'fail');
    expect(failed).toEqual([
      {
        name: expect.stringMatching(/^location:\S+ scopes$/),
        level: 'fail',
        // session-highlights runs nothing without a polled event, so it needs nothing here.
        detail: 'missing contacts.write (needed by registration-welcome, checkin-welcome)',
        fix: expect.stringContaining('parley connect highlevel'),
      },
    ]);
  });

  it('warns about extra scopes without failing', async () => {
    await world.seedHighLevel({ scopes: [...planned(), 'conversations/livechat.write'] });
    await runDoctorCommand({}, world.io());
    expect(world.output()).toMatch(
      /^warn +location:\S+ scopes +granted but not needed by the enabled features: conversations\/livechat\.write$/m,
    );
  });

  /** Runs doctor on a connection marked needs_reconnect; answers what it printed. */
  async function doctorOnRevokedConnection(): Promise<string> {
    const { connection } = await world.seedHighLevel({ scopes: planned() });
    const runtime = await openRuntimeFor(world.io());
    await runtime.repository.setStatus(connection.id, 'needs_reconnect', 'the grant was revoked');
    await runtime.close();

    await thrownBy(() => runDoctorCommand({}, world.io()));
    return world.output();
  }

  it('fails a connection marked needs_reconnect, with the reconnect command', async () => {
    const out = await doctorOnRevokedConnection();
    expect(lineOf(out, /^fail +location:\S+ status /)).toContain('needs_reconnect: the grant was revoked');
    expect(out).toContain('fix: reconnect with `parley connect highlevel`');
  });

  it('does not probe a connection marked needs_reconnect', async () => {
    const out = await doctorOnRevokedConnection();
    expect(out).not.toMatch(/ probe /);
  });

  /** Runs doctor on a PIT connection after the sandbox has stopped; answers the error. */
  async function doctorWithHighLevelUnreachable() {
    await world.seedHighLevel({ scopes: planned(), kind: 'pit' });
    await world.stopSandbox();
    return thrownBy(() => runDoctorCommand({}, world.io()));
  }

  it('fails the probe with the network fix when HighLevel cannot be reached', async () => {
    const error = await doctorWithHighLevelUnreachable();
    expect(error.code).toBe('doctor_failed');
    const probe = lineOf(world.output(), /^fail +location:\S+ probe /);
    expect(probe).not.toBe('');
    expect(world.output()).toContain(`fix: check the network path to ${world.sandbox.url}`);
  });

  it('warns that the clock is not measured when HighLevel cannot be reached', async () => {
    await doctorWithHighLevelUnreachable();
    expect(world.output()).toMatch(/^warn +clock skew +not measured/m);
  });

  it('warns when the local clock is more than 30 s off the sandbox Date header', async () => {
    await world.seedHighLevel({ scopes: planned() });
    await runDoctorCommand({}, world.io({ now: () => Date.now() + 120_000 }));
    const line = lineOf(world.output(), /^warn +clock skew /);
    expect(line).toMatch(/the local clock is 1(19|20|21) s ahead of the sandbox at http:\/\/127\.0\.0\.1:\d+/);
    expect(world.output()).toContain('fix: synchronise the clock');
  });
});

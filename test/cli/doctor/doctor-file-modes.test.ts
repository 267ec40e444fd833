/**
 * `parley doctor` on a data directory other users may read: it warns, naming the directory and its
 * mode, with the exact chmod that fixes it; once fixed the check is ok. (The database files are
 * narrowed to 0600 by parley itself when it opens them: test/store/file-modes.test.ts.)
 */
import { chmod, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDoctorCommand } from '../../../src/cli/commands/doctor.js';
import { SQLITE_FILE_NAME } from '../../../src/store/sqlite-dialect.js';
import { createDiagnosticsWorld, type DiagnosticsWorld } from '../diagnostics-world.js';

let world: DiagnosticsWorld;
beforeEach(async () => {
  world = await createDiagnosticsWorld();
});
afterEach(async () => {
  await world.dispose();
});

const lineOf = (out: string, pattern: RegExp) => out.split('\n').find((line) => pattern.test(line)) ?? '';

describe('parley doctor file permissions', () => {
  /** Runs doctor on a data directory other users can read (0755); answers what it printed. */
  async function doctorOnReadableDataDir(): Promise<string> {
    await mkdir(world.dataDir, { recursive: true });
    await chmod(world.dataDir, 0o755);
    await runDoctorCommand({}, world.io()).catch(() => undefined);
    return world.output();
  }

  it('warns about a data directory other users can read, with the chmod that fixes it', async () => {
    const out = await doctorOnReadableDataDir();
    expect(lineOf(out, /^warn +file permissions /)).toContain(`${world.dataDir} is 0755`);
    expect(out).toContain(`chmod 700 ${world.dataDir}`);
  });

  it('leaves the database file readable by its owner only', async () => {
    await doctorOnReadableDataDir();
    // Doctor opened the store, which made the database itself 0600.
    expect((await stat(join(world.dataDir, SQLITE_FILE_NAME))).mode & 0o777).toBe(0o600);
  });

  it('passes the file permissions check once the data directory is fixed', async () => {
    await doctorOnReadableDataDir();
    await chmod(world.dataDir, 0o700);
    world.reset();
    await runDoctorCommand({}, world.io()).catch(() => undefined);
    expect(world.output()).toMatch(/^ok +file permissions /m);
  });
});

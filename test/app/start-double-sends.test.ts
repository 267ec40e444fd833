/**
 * `parley start` (runParley, in-process, neither HTTP nor worker) logs a warning naming both workflows
 * when the config's `workflows.path` adds a second welcome beside the built-in one, and none when the
 * file replaces the built-in by name.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runParley } from '../../src/app/run-parley.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { WELCOME_YAML } from '../workflows/workflow-fixture.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-start-doubles-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts parley in `dir` with `name` as the file workflow's name; returns the warn lines it logged. */
async function warningsOnStart(name: string): Promise<{ msg: string; workflows?: string[] }[]> {
  await mkdir(join(dir, 'flows'), { recursive: true });
  await writeFile(
    join(dir, 'flows', 'welcome.yaml'),
    WELCOME_YAML.replace('name: registration-welcome', `name: ${name}`),
  );
  await writeFile(join(dir, 'parley.config.yaml'), 'workflows:\n  path: flows\n');
  const lines: string[] = [];
  const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void lines.push(line) } });
  const stop = new AbortController();
  await runParley({
    http: false,
    worker: false,
    sandbox: false,
    logger,
    env: { port: 0, host: '127.0.0.1', sandboxPort: 0 },
    processEnv: { PARLEY_DATA_DIR: join(dir, 'data'), PARLEY_MASTER_KEY: randomBytes(32).toString('base64') },
    cwd: dir,
    write: () => {},
    stop: stop.signal,
    onRunning: () => stop.abort(),
  });
  return lines.map((line) => JSON.parse(line)).filter((entry) => entry.level === 40);
}

it('warns at start, naming both, when a file welcome would send beside the built-in one', async () => {
  const warnings = await warningsOnStart('my-welcome');
  const file = join(dir, 'flows', 'welcome.yaml');
  expect(warnings).toEqual([
    expect.objectContaining({
      msg: `registration-welcome (built-in) and my-welcome (${file}) both send a message on trigger accelevents.registration: one event sends 2 messages`,
      workflows: ['registration-welcome (built-in)', `my-welcome (${file})`],
    }),
  ]);
});

it('does not warn at start when the file replaces the built-in by name', async () => {
  expect(await warningsOnStart('registration-welcome')).toEqual([]);
});

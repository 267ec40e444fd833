/**
 * The folder rules (.dependency-cruiser.cjs, run by `npm run lint`) catch what they promise: each case
 * builds a small tree under a temporary src/ and runs the real dependency-cruiser over it with the
 * repository's rule file. The last case holds the repository's own src/ to the same rules.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');
const depcruise = join(repo, 'node_modules/.bin/depcruise');
const rules = join(repo, '.dependency-cruiser.cjs');

interface Outcome {
  ok: boolean;
  output: string;
}

async function cruise(cwd: string): Promise<Outcome> {
  try {
    const { stdout } = await run(depcruise, ['src', '--config', rules, '--output-type', 'err'], { cwd });
    return { ok: true, output: stdout };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

const made: string[] = [];

/** A throwaway project: `files` maps src-relative paths to their text. */
async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-rules-'));
  made.push(dir);
  await writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', noEmit: true } }),
  );
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, 'src', path)), { recursive: true });
    await writeFile(join(dir, 'src', path), text);
  }
  return dir;
}

afterEach(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('folder rules', () => {
  it('accept a tree whose imports all point down', async () => {
    const dir = await tree({
      'lib/base.ts': 'export const base = 1;\n',
      'store/db.ts': "import { base } from '../lib/base.js';\nexport const db = base;\n",
      'app/root.ts': "import { db } from '../store/db.js';\nexport const root = db;\n",
    });
    const outcome = await cruise(dir);
    expect(outcome.output).toContain('no dependency violations');
    expect(outcome.ok).toBe(true);
  });

  const broken: { breaks: string; rule: string; files: Record<string, string> }[] = [
    {
      breaks: 'a domain folder importing the composition root',
      rule: 'domain-does-not-import-the-top',
      files: {
        'app/root.ts': 'export const root = 1;\n',
        'store/db.ts': "import { root } from '../app/root.js';\nexport const db = root;\n",
      },
    },
    {
      breaks: 'a folder importing one on a higher layer',
      rule: 'layer-store',
      files: {
        'queue/jobs.ts': 'export const jobs = 1;\n',
        'store/db.ts': "import { jobs } from '../queue/jobs.js';\nexport const db = jobs;\n",
      },
    },
    {
      breaks: 'two folders that import each other',
      rule: 'no-cycles',
      files: {
        'vault/seal.ts': "import { jobs } from '../queue/jobs.js';\nexport const seal = () => jobs;\n",
        'queue/jobs.ts': "import { seal } from '../vault/seal.js';\nexport const jobs = () => seal;\n",
      },
    },
    {
      breaks: 'production code importing the sandbox other than through app',
      rule: 'sandbox-only-from-app',
      files: {
        'sandbox/fake.ts': 'export const fake = 1;\n',
        'cli/command.ts': "import { fake } from '../sandbox/fake.js';\nexport const command = fake;\n",
      },
    },
    {
      breaks: 'config importing a domain folder',
      rule: 'config-is-a-leaf',
      files: {
        'intake/topics.ts': 'export const topics = [];\n',
        'config/schema.ts': "import { topics } from '../intake/topics.js';\nexport const schema = topics;\n",
      },
    },
    {
      breaks: 'an API client importing the store',
      rule: 'api-clients-stay-clients',
      files: {
        'store/db.ts': 'export const db = 1;\n',
        'highlevel/client.ts': "import { db } from '../store/db.js';\nexport const client = db;\n",
      },
    },
  ];

  for (const { breaks, rule, files } of broken) {
    it(`reject ${breaks} (rule ${rule})`, async () => {
      const outcome = await cruise(await tree(files));
      expect(outcome.ok).toBe(false);
      expect(outcome.output).toContain(rule);
    });
  }

  it("hold the repository's own src/ to every rule", async () => {
    const outcome = await cruise(repo);
    expect(outcome.output).toContain('no dependency violations');
    expect(outcome.ok).toBe(true);
  });
});

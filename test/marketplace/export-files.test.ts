/**
 * `parley marketplace export`: the files follow the official marketplace CLI's rules
 * (https://github.com/GoHighLevel/marketplace-cli, src/lib/workflows/{triggers,actions}/schema.ts),
 * and the copy committed under marketplace/ is what the catalogs generate today.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION_CATALOG } from '../../src/marketplace/action-catalog.js';
import {
  ACTIONS_DIR,
  ExportError,
  fileNameOf,
  marketplaceFiles,
  SECRET_ENV,
  TRIGGERS_DIR,
} from '../../src/marketplace/export/marketplace-files.js';
import { writeMarketplaceExport } from '../../src/marketplace/export/write-export.js';
import { TRIGGER_CATALOG } from '../../src/marketplace/trigger-catalog.js';

/** What `npm run marketplace:export` passes; the committed copy is made with it. */
const COMMITTED_PUBLIC_URL = 'https://parley.example.com';
const COMMITTED_DIR = join(import.meta.dirname, '..', '..', 'marketplace');
const FILE_NAME = /^[a-z](?:[a-z0-9-]*[a-z0-9])?\.json$/;
const ENV_REFERENCE = /^\$\{env:[A-Z_][A-Z0-9_]*\}$/;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

/** The CLI's reference check: the dot path resolves in the sample to a primitive or a non-empty array. */
function typeAt(sample: unknown, reference: string): string | undefined {
  let current: unknown = sample;
  for (const segment of reference.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  if (Array.isArray(current)) return current.length > 0 ? 'array' : undefined;
  if (typeof current === 'number') return 'numerical';
  if (typeof current === 'string' || typeof current === 'boolean') return typeof current;
  return undefined;
}

function headerValues(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) headerValues(item, found);
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'headers' && child && typeof child === 'object') found.push(...Object.values(child as object));
      else headerValues(child, found);
    }
  }
  return found;
}

const files = marketplaceFiles({ publicUrl: COMMITTED_PUBLIC_URL });
const parsed = [...files].map(([path, text]) => ({ path, file: JSON.parse(text) }));

describe('marketplace export', () => {
  let temp: string | null = null;
  afterEach(async () => {
    if (temp) await rm(temp, { recursive: true, force: true });
    temp = null;
  });

  it('matches the copy committed under marketplace/ (regenerate with npm run marketplace:export)', async () => {
    const committed = await filesUnder(COMMITTED_DIR);
    expect(committed, 'files under marketplace/: run `npm run marketplace:export`').toEqual([...files.keys()]);
    for (const [path, text] of files) {
      const onDisk = await readFile(join(COMMITTED_DIR, ...path.split('/')), 'utf8');
      expect(onDisk, `marketplace/${path} is stale: run \`npm run marketplace:export\``).toBe(text);
    }
  });

  it('writes at least four triggers and two actions, one file per catalog key', () => {
    const triggers = [...files.keys()].filter((p) => p.startsWith(`${TRIGGERS_DIR}/`));
    const actions = [...files.keys()].filter((p) => p.startsWith(`${ACTIONS_DIR}/`));
    expect(triggers.length).toBeGreaterThanOrEqual(4);
    expect(actions.length).toBeGreaterThanOrEqual(2);
    expect(triggers).toEqual(TRIGGER_CATALOG.map((t) => `${TRIGGERS_DIR}/${fileNameOf(t.key)}`).sort());
    expect(actions).toEqual(ACTION_CATALOG.map((a) => `${ACTIONS_DIR}/${fileNameOf(a.key)}`).sort());
  });

  it('names each file as the CLI derives its key, as a new local 1.0 draft', () => {
    for (const { path, file } of parsed) {
      const name = path.split('/').pop() ?? '';
      expect(name).toMatch(FILE_NAME);
      expect(file.key).toBe(name.slice(0, -'.json'.length).replaceAll('-', '_'));
      expect(file.schemaVersion).toBe(1);
      expect(file.templateId).toBeUndefined();
      expect(file.versions).toHaveLength(1);
      expect(file.versions[0]).toMatchObject({ version: '1.0', status: 'draft' });
      expect(file.versions[0].info.description.length).toBeLessThanOrEqual(200);
      expect(file.versions[0].info.summary.length).toBeLessThanOrEqual(500);
    }
  });

  it('resolves every filter and custom variable in the sample data with the declared type', () => {
    for (const { path, file } of parsed) {
      const version = file.versions[0];
      for (const variable of version.customVars) {
        const type = typeAt(version.customVarsJson, variable.reference);
        const expected = variable.fieldType === 'date' ? 'string' : variable.fieldType;
        expect(type, `${path}: ${variable.reference}`).toBe(expected);
      }
      for (const filter of version.filters ?? []) {
        expect(typeAt(version.customVarsJson, filter.field), `${path}: filter ${filter.field}`).toBeDefined();
        const sources = ['options', 'fetchOptions', 'mappedTo'].filter((s) => filter[s] !== undefined);
        expect(sources, `${path}: filter ${filter.field} option sources`).toHaveLength(1);
      }
    }
  });

  it('sends only the secret header, as an environment reference, and URLs under the public base', () => {
    for (const { path, file } of parsed) {
      const values = headerValues(file);
      expect(values.length, path).toBeGreaterThan(0);
      for (const value of values) expect(value).toBe(`\${env:${SECRET_ENV}}`);
      for (const value of values) expect(value).toMatch(ENV_REFERENCE);
      const urls = JSON.stringify(file).match(/"url":"https?:[^"]+"/g) ?? [];
      expect(urls.length, path).toBeGreaterThan(0);
      for (const url of urls) expect(url).toMatch(/^"url":"https:\/\/parley\.example\.com\/marketplace\//);
    }
    const action = parsed.find((p) => p.file.key === 'parley_lookup_attendee')?.file.versions[0];
    expect(action.executionConfig).toMatchObject({
      type: 'API',
      method: 'POST',
      url: 'https://parley.example.com/marketplace/actions/parley_lookup_attendee',
    });
    const trigger = parsed.find((p) => p.file.key === 'accelevents_attendee_registered')?.file.versions[0];
    expect(trigger.subscriptionConfig.url).toBe('https://parley.example.com/marketplace/triggers/subscription');
  });

  it('answers every action branch id from the configured branches', () => {
    for (const action of ACTION_CATALOG) {
      const file = parsed.find((p) => p.file.key === action.key)?.file.versions[0];
      const ids = file.branchesConfig.predefinedBranches.branches.map((b: { id: string }) => b.id);
      expect(ids).toContain(action.sampleOutput.branchId);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('writes the same bytes twice and leaves other files in the folder alone', async () => {
    temp = await mkdtemp(join(tmpdir(), 'parley-export-'));
    await writeFile(join(temp, 'ghl-app.json'), '{"kept":true}\n');
    await writeMarketplaceExport(temp, { publicUrl: 'https://parley.example.com/' });
    const first = await Promise.all([...files.keys()].map((p) => readFile(join(temp as string, p), 'utf8')));
    await writeMarketplaceExport(temp, { publicUrl: 'https://parley.example.com' });
    const second = await Promise.all([...files.keys()].map((p) => readFile(join(temp as string, p), 'utf8')));
    expect(second).toEqual(first);
    expect(first).toEqual([...files.values()]);
    expect(await readFile(join(temp, 'ghl-app.json'), 'utf8')).toBe('{"kept":true}\n');
  });

  it('refuses a public URL that is not an absolute http(s) URL, naming it', () => {
    expect(() => marketplaceFiles({ publicUrl: 'parley.example.com' })).toThrow(ExportError);
    expect(() => marketplaceFiles({ publicUrl: 'parley.example.com' })).toThrow(/public URL.*parley\.example\.com/);
    expect(() => marketplaceFiles({ publicUrl: 'https://parley.example.com/?x=1' })).toThrow(/no query/);
  });
});

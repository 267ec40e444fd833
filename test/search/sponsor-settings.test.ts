/**
 * `sponsor` in parley.config.yaml: sponsors with their keyword and console staff, the key each is
 * stored under, the deprecated staffContactIds still read, and file:line:col errors for mistakes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadFileConfig } from '../../src/app/load-file-config.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-sponsor-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(name: string, lines: string[]) {
  await writeFile(join(dir, name), lines.join('\n'));
  return loadFileConfig({ path: name, env: {}, cwd: dir });
}

async function errorOf(name: string, lines: string[]): Promise<string> {
  const error = await load(name, lines).then(
    () => null,
    (e: unknown) => e as Error & { code?: string },
  );
  if (error === null) throw new Error(`expected ${name} to be rejected`);
  expect(error.code).toBe('invalid_config');
  return error.message;
}

it('has no sponsor settings when the config says nothing', async () => {
  const config = await load('empty.yaml', ['# nothing']);
  expect(config.sponsor).toEqual({ sponsors: [], staffContactIds: [] });
});

it('reads each sponsor with a key derived from its keyword, its staff emails lower-cased once each', async () => {
  const config = await load('sponsors.yaml', [
    'sponsor:',
    '  sponsors:',
    '    - name: Acme',
    '      keyword: ACME',
    '      staff: [Staff@Acme.example, staff@acme.example, lead@acme.example]',
    '    - name: Globex Corporation',
    '      keyword: Globex  Corp',
  ]);
  expect(config.sponsor.sponsors).toEqual([
    { name: 'Acme', keyword: 'ACME', key: 'acme', staff: ['staff@acme.example', 'lead@acme.example'] },
    { name: 'Globex Corporation', keyword: 'Globex  Corp', key: 'globex-corp', staff: [] },
  ]);
  expect(config.sponsor.staffContactIds).toEqual([]);
});

it('still reads the deprecated staffContactIds beside sponsors', async () => {
  const config = await load('both.yaml', [
    'sponsor:',
    '  staffContactIds: [staff-a, staff-a, staff-b]',
    '  sponsors:',
    '    - { name: Acme, keyword: ACME }',
  ]);
  expect(config.sponsor.staffContactIds).toEqual(['staff-a', 'staff-b']);
  expect(config.sponsor.sponsors.map((s) => s.key)).toEqual(['acme']);
});

/** One file with three mistakes: a keyword that is not a word, a staff entry that is not an email, no name. */
const badSponsorsMessage = () =>
  errorOf('bad.yaml', [
    'sponsor:',
    '  sponsors:',
    '    - name: Acme',
    '      keyword: "ACME!"',
    '      staff: [not-an-email]',
    '    - keyword: Globex',
  ]);

it('points at file:line:col of a keyword that is not a word', async () => {
  const message = await badSponsorsMessage();
  expect(message).toContain('bad.yaml:4:16 sponsor.sponsors[0].keyword: expected a word or short phrase such as ACME');
});

it('points at file:line:col of a staff entry that is not an email', async () => {
  const message = await badSponsorsMessage();
  expect(message).toContain(
    'bad.yaml:5:15 sponsor.sponsors[0].staff[0]: expected the email of a console user with role sponsor',
  );
});

it('points at file:line:col of a sponsor without a name', async () => {
  const message = await badSponsorsMessage();
  expect(message).toMatch(/bad\.yaml:6:7 sponsor\.sponsors\[1\]\.name: /);
});

it('refuses two sponsors with one keyword (compared ignoring case), pointing at the second', async () => {
  const message = await errorOf('twice.yaml', [
    'sponsor:',
    '  sponsors:',
    '    - { name: Acme, keyword: ACME }',
    '    - name: Acme Labs',
    '      keyword: acme',
  ]);
  expect(message).toContain(
    'twice.yaml:5:16 sponsor.sponsors[1].keyword: expected each keyword once; "acme" is already another sponsor\'s',
  );
});

it('names the allowed keys of a sponsor for a misspelt one', async () => {
  const message = await errorOf('typo.yaml', [
    'sponsor:',
    '  sponsors:',
    '    - { name: Acme, keyword: ACME, stafff: [] }',
  ]);
  expect(message).toMatch(
    /typo\.yaml:3:\d+ sponsor\.sponsors\[0\]\.stafff: unknown key; expected one of name, keyword, staff/,
  );
});

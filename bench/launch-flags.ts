/**
 * The node flags `parley` runs with: the ones on bin/parley.js's first line
 * (`#!/usr/bin/env -S node <flags>`), which `npx parley` and `npm start` go through. The scenarios that
 * measure a parley process (memory, startup's idle server, scale's workers) start it with the same
 * flags, so the figures are the shipped program's; docs/operations.md says why each flag is there.
 */
import { readFileSync } from 'node:fs';

const BIN = new URL('../bin/parley.js', import.meta.url);

export function launchNodeFlags(): string[] {
  const first = readFileSync(BIN, 'utf8').split('\n', 1)[0] ?? '';
  const match = /^#!\/usr\/bin\/env -S node((?: --[\w-]+=\S+)*)$/.exec(first);
  if (!match)
    throw new Error(`bin/parley.js: first line ${JSON.stringify(first)} is not "#!/usr/bin/env -S node --flag=value…"`);
  return (match[1] ?? '').trim().split(' ').filter(Boolean);
}

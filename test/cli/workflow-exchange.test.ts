/**
 * `parley workflows import FILE` and `parley workflows export`: a YAML file saved in the database as
 * a new version, with the operator as its author; exported back as YAML the validator accepts; a file
 * with problems names each with file:line:col and saves nothing.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRuntimeFor } from '../../src/app/open-runtime.js';
import { runExport, runImport } from '../../src/cli/commands/workflow-exchange.js';
import { createDiagnosticsWorld, type DiagnosticsWorld, thrownBy } from './diagnostics-world.js';

const VIP_YAML = `name: vip-checkin
description: A VIP welcome at check-in
trigger: accelevents.check_in
conditions:
  - attendee.ticketType == 'VIP Pass'
steps:
  - id: contact
    action: contacts.upsert
    with:
      email: "{{ attendee.email }}"
`;

let world: DiagnosticsWorld;
beforeAll(async () => {
  world = await createDiagnosticsWorld();
});
afterAll(async () => world?.dispose());

describe('parley workflows import and export', () => {
  it('imports a file as version 1 and a second import as version 2', async () => {
    await writeFile(join(world.dir, 'vip.yaml'), VIP_YAML);
    world.reset();
    await runImport('vip.yaml', world.io());
    await runImport('vip.yaml', world.io());
    expect(world.output()).toBe('imported vip-checkin as version 1\nimported vip-checkin as version 2\n');
  });

  it('records the operator as the author of an imported version', async () => {
    const runtime = await openRuntimeFor(world.io());
    try {
      const [latest] = await runtime.workflowStore.versions('vip-checkin');
      expect(latest).toMatchObject({ note: 'imported' });
      expect(latest?.author).toMatch(/^cli:/);
    } finally {
      await runtime.close();
    }
  });

  it('exports the saved workflows into a directory, one file each', async () => {
    world.reset();
    await runExport([], { out: 'exported' }, world.io());
    const text = await readFile(join(world.dir, 'exported', 'vip-checkin.yaml'), 'utf8');
    expect(text).toContain("attendee.ticketType == 'VIP Pass'");
    expect(world.output()).toContain('vip-checkin.yaml');
  });

  it('names every problem of a bad file with its line and saves nothing', async () => {
    await writeFile(join(world.dir, 'bad.yaml'), 'name: bad-one\ntrigger: accelevents.nope\nsteps: []\n');
    const error = await thrownBy(() => runImport('bad.yaml', world.io()));
    expect(error.message).toContain('bad.yaml:2:10 trigger: expected one of');
    expect(error.message).toContain('bad.yaml:3:8 steps: expected at least one step');
    const runtime = await openRuntimeFor(world.io());
    try {
      expect(await runtime.workflowStore.get('bad-one')).toBeNull();
    } finally {
      await runtime.close();
    }
  });

  it('refuses to print several workflows to stdout, asking for --out', async () => {
    const error = await thrownBy(() => runExport(['vip-checkin', 'registration-welcome'], {}, world.io()));
    expect(error).toMatchObject({ code: 'invalid_option', exitCode: 2 });
  });
});

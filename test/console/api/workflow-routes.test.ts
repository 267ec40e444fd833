/**
 * The workflow studio's API on the real console app, both databases: create a check-in workflow from
 * JSON (a ticket-type condition and an Email step), edit it into version 2, read the diff, restore
 * version 1, export YAML that `parley workflows validate` accepts and import it back; built-ins are
 * templates (saving one makes the copy that replaces it), files are read-only, and every problem of a
 * definition is named by its key path.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runValidate } from '../../../src/cli/commands/workflows.js';
import { type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';
import { VIP_CHECKIN } from './vip-checkin.js';

function ioIn(dir: string) {
  let text = '';
  const io = {
    write: (chunk: string) => {
      text += chunk;
    },
    cwd: dir,
    env: {},
  };
  return { io, output: () => text };
}

describe.each(DATABASE_KINDS)('workflow studio API [%s]', (kind) => {
  let harness: ConsoleApp;
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    harness.app.inject({
      method,
      url,
      headers: harness.auth('admin'),
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  beforeAll(async () => {
    harness = await startConsoleApp(kind, {
      attendees: 1,
      config: { features: ['registration-welcome', 'checkin-welcome'] },
    });
  });
  afterAll(async () => harness?.close());

  it('creates a workflow from a JSON definition as version 1', async () => {
    const response = await call('POST', '/api/workflows', VIP_CHECKIN);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ name: 'vip-checkin', version: 1, origin: 'console', editable: true });
    expect(response.json().reach).toEqual({ trigger: 'accelevents.check_in', last24h: 0 });
  });

  it('takes a check-in workflow from JSON through a sample test, an edit, a restore and a valid YAML export', async () => {
    const name = 'vip-journey';
    expect((await call('POST', '/api/workflows', { ...VIP_CHECKIN, name })).json().version).toBe(1);

    const tested = (await call('POST', `/api/workflows/${name}/test`, { sample: 'attendee-email-only' })).json();
    expect(tested).toMatchObject({ target: 'sandbox', status: 'completed' });
    expect(tested.steps.map((step: { id: string }) => step.id)).toEqual(['contact', 'conversation', 'welcome']);
    for (const step of tested.steps) {
      expect(step.input).toBeTypeOf('object');
      expect(step.output).toBeTypeOf('object');
    }
    const welcome = tested.steps[2];
    expect(welcome.input.subject).toBe('Welcome to the VIP lounge, Jonas');
    expect(welcome.input.html).toBe('Hi Jonas, your VIP pass opens the lounge on level 2.');

    const edited = await call('PUT', `/api/workflows/${name}`, {
      ...VIP_CHECKIN,
      name,
      templates: { ...VIP_CHECKIN.templates, subject: 'Your lounge awaits' },
    });
    expect(edited.json().version).toBe(2);
    const restored = (await call('POST', `/api/workflows/${name}/versions/1/restore`)).json();
    expect(restored.version).toBe(3);
    expect(restored.definition.templates.subject).toBe(VIP_CHECKIN.templates.subject);

    const dir = await mkdtemp(join(tmpdir(), 'parley-journey-'));
    try {
      await writeFile(join(dir, `${name}.yaml`), (await call('GET', `/api/workflows/${name}/export`)).body);
      const out = ioIn(dir);
      await runValidate(join(dir, `${name}.yaml`), out.io);
      expect(out.output()).toContain(`1 workflow(s) valid: ${name}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('lists the created workflow beside the built-ins, switched on', async () => {
    const { workflows } = (await call('GET', '/api/workflows')).json();
    const names = workflows.map((w: { name: string; origin: string }) => `${w.origin}:${w.name}`);
    expect(names).toContain('console:vip-checkin');
    expect(names).toContain('built-in:checkin-welcome');
    expect(workflows.find((w: { name: string }) => w.name === 'vip-checkin').enabled).toBe(true);
  });

  it('warns in the list when a new workflow sends on a trigger a built-in already sends on', async () => {
    await call('POST', '/api/workflows', { ...VIP_CHECKIN, name: 'vip-twice' });
    const { doubleSends } = (await call('GET', '/api/workflows')).json();
    const checkIn = doubleSends.find((d: { trigger: string }) => d.trigger === 'accelevents.check_in');
    expect(checkIn.workflows.join(' ')).toContain('vip-twice');
    expect(checkIn.workflows.join(' ')).toContain('checkin-welcome');
    await call('DELETE', '/api/workflows/vip-twice');
  });

  it('refuses a second create of the same name with 409 workflow_exists', async () => {
    const response = await call('POST', '/api/workflows', { ...VIP_CHECKIN, name: 'vip-dupe' });
    expect(response.statusCode).toBe(201);
    const again = await call('POST', '/api/workflows', { ...VIP_CHECKIN, name: 'vip-dupe' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'conflict', reason: 'workflow_exists' });
  });

  it('answers each edit with the next version', async () => {
    await call('POST', '/api/workflows', { ...VIP_CHECKIN, name: 'vip-edit' });
    const edited = await call('PUT', '/api/workflows/vip-edit', {
      ...VIP_CHECKIN,
      name: 'vip-edit',
      templates: { ...VIP_CHECKIN.templates, subject: 'Your VIP lounge awaits' },
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().version).toBe(2);
    expect(edited.json().definition.templates.subject).toBe('Your VIP lounge awaits');
  });

  it('shows a version with a diff against the one before it', async () => {
    await call('POST', '/api/workflows', { ...VIP_CHECKIN, name: 'vip-diff' });
    await call('PUT', '/api/workflows/vip-diff', { ...VIP_CHECKIN, name: 'vip-diff', conditions: [] });
    const v2 = (await call('GET', '/api/workflows/vip-diff/versions/2')).json();
    expect(v2.diff.against).toBe(1);
    expect(v2.diff.patch).toContain("-  - attendee.ticketType == 'VIP Pass'");
    expect(v2.author).toBe('admin@parley.test');
    expect((await call('GET', '/api/workflows/vip-diff/versions/1')).json().diff).toBeNull();
  });

  it('restores version 1 as version 3, which is what runs', async () => {
    await call('POST', '/api/workflows', { ...VIP_CHECKIN, name: 'vip-restore' });
    await call('PUT', '/api/workflows/vip-restore', { ...VIP_CHECKIN, name: 'vip-restore', conditions: [] });
    const restored = await call('POST', '/api/workflows/vip-restore/versions/1/restore');
    expect(restored.statusCode).toBe(200);
    expect(restored.json()).toMatchObject({ version: 3, definition: { conditions: VIP_CHECKIN.conditions } });
    const versions = (await call('GET', '/api/workflows/vip-restore/versions')).json().versions;
    expect(versions.map((v: { version: number; note: string }) => `${v.version} ${v.note}`)).toEqual([
      '3 restored from 1',
      '2 edited',
      '1 created',
    ]);
    const running = (await harness.deps.workflows.current()).find((w) => w.name === 'vip-restore');
    expect(running).toMatchObject({ version: 3, conditions: VIP_CHECKIN.conditions });
  });

  it('exports YAML that parley workflows validate accepts', async () => {
    await call('POST', '/api/workflows', { ...VIP_CHECKIN, name: 'vip-export' });
    const exported = await call('GET', '/api/workflows/vip-export/export');
    expect(exported.headers['content-type']).toContain('application/yaml');
    const dir = await mkdtemp(join(tmpdir(), 'parley-export-'));
    try {
      await writeFile(join(dir, 'vip-export.yaml'), exported.body);
      const out = ioIn(dir);
      await runValidate(join(dir, 'vip-export.yaml'), out.io);
      expect(out.output()).toContain('1 workflow(s) valid: vip-export');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('imports an exported YAML file as a new version', async () => {
    await call('POST', '/api/workflows', { ...VIP_CHECKIN, name: 'vip-import' });
    const yaml = (await call('GET', '/api/workflows/vip-import/export')).body.replace(
      'lounge on level 2',
      'lounge on level 3',
    );
    const imported = await call('POST', '/api/workflows/import', { yaml });
    expect(imported.statusCode).toBe(200);
    expect(imported.json().imported.map((w: { name: string; version: number }) => [w.name, w.version])).toEqual([
      ['vip-import', 2],
    ]);
    expect((await call('GET', '/api/workflows/vip-import/versions/2')).json().note).toBe('imported');
  });

  it('reports every problem of an imported file with its line', async () => {
    const response = await call('POST', '/api/workflows/import', {
      yaml: 'name: broken\ntrigger: accelevents.nothing\nsteps: []\n',
    });
    expect(response.statusCode).toBe(400);
    const issues = response.json().issues.map((i: { path: string }) => i.path);
    expect(issues).toEqual(['trigger', 'steps']);
  });

  it('names the step, the field and what was expected for an invalid definition', async () => {
    const response = await call('POST', '/api/workflows', {
      ...VIP_CHECKIN,
      name: 'vip-broken',
      steps: [{ id: 'welcome', action: 'highlevel.send-a-new-mesage', with: {} }],
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe('invalid_request');
    expect(response.json().field).toBe('steps[0].action');
    expect(response.json().issues[0].message).toContain('highlevel.send-a-new-message');
  });

  it('refuses a PUT whose body names another workflow', async () => {
    await call('POST', '/api/workflows', { ...VIP_CHECKIN, name: 'vip-rename' });
    const response = await call('PUT', '/api/workflows/vip-rename', { ...VIP_CHECKIN, name: 'other' });
    expect(response.statusCode).toBe(400);
    expect(response.json().field).toBe('name');
  });

  it('makes a console copy of a built-in on its first edit, which runs instead of the built-in', async () => {
    const builtin = (await call('GET', '/api/workflows/checkin-welcome')).json();
    expect(builtin.origin).toBe('built-in');
    const edited = await call('PUT', '/api/workflows/checkin-welcome', {
      ...builtin.definition,
      description: 'edited in the console',
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ version: 1, origin: 'console', replacesBuiltIn: true });
    const running = (await harness.deps.workflows.current()).filter((w) => w.name === 'checkin-welcome');
    expect(running).toHaveLength(1);
    expect(running[0]?.description).toBe('edited in the console');
    await call('DELETE', '/api/workflows/checkin-welcome');
  });

  it('brings the built-in back when its console copy is deleted', async () => {
    const builtin = (await call('GET', '/api/workflows/registration-welcome')).json();
    await call('PUT', '/api/workflows/registration-welcome', { ...builtin.definition, description: 'copy' });
    const deleted = await call('DELETE', '/api/workflows/registration-welcome');
    expect(deleted.statusCode).toBe(200);
    const running = (await harness.deps.workflows.current()).filter((w) => w.name === 'registration-welcome');
    expect(running.map((w) => [w.description, w.version ?? null])).toEqual([[builtin.definition.description, null]]);
  });

  it('refuses to delete a built-in, pointing at the switch', async () => {
    const response = await call('DELETE', '/api/workflows/checkin-preference-reply');
    expect(response.statusCode).toBe(409);
    expect(response.json().message).toContain('switch it off');
  });

  it('answers 404 for a version that does not exist', async () => {
    await call('POST', '/api/workflows', { ...VIP_CHECKIN, name: 'vip-missing' });
    const response = await call('GET', '/api/workflows/vip-missing/versions/9');
    expect(response.statusCode).toBe(404);
  });

  it('records each change in the audit log of console changes, with the admin and the version', async () => {
    await call('POST', '/api/workflows', { ...VIP_CHECKIN, name: 'vip-audit' });
    await call('PUT', '/api/workflows/vip-audit', { ...VIP_CHECKIN, name: 'vip-audit', conditions: [] });
    await call('POST', '/api/workflows/vip-audit/versions/1/restore');
    await call('DELETE', '/api/workflows/vip-audit');
    const { changes } = (await call('GET', '/api/admin/changes?target=vip-audit')).json();
    expect(changes.map((c: { action: string; actor: string }) => `${c.action} by ${c.actor}`)).toEqual([
      'workflow.deleted by admin@parley.test',
      'workflow.restored by admin@parley.test',
      'workflow.edited by admin@parley.test',
      'workflow.created by admin@parley.test',
    ]);
    expect(changes[1].detail).toEqual({ version: 3, note: 'restored from 1' });
  });

  it('refuses a viewer with 403', async () => {
    const response = await harness.app.inject({
      method: 'GET',
      url: '/api/workflows',
      headers: harness.auth('viewer'),
    });
    expect(response.statusCode).toBe(403);
  });
});

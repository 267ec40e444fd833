/**
 * The built-in workflow files load without issues, the config's features choose which run, a file in
 * `workflows.path` named like a built-in replaces it (one welcome, the file's), and two workflows that
 * would both send on one trigger are found, naming both.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILTIN_WORKFLOWS_DIR,
  doubleSendsAmong,
  listEnabledWorkflows,
  loadEnabledWorkflows,
} from '../../src/features/enabled-workflows.js';
import { runTriggered } from '../../src/jobs/run-triggered.js';
import { createTemplateEngine } from '../../src/lib/template-engine.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { attendee, newLocation, recordingClient, silentLogger, WELCOME_YAML } from '../workflows/workflow-fixture.js';

let dir: string;
let handle: SandboxHandle;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-enabled-workflows-'));
  handle = await withSandbox({ attendees: 1 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await handle.close();
});

/** The built-in registration welcome with its SMS text changed, as a user would copy and edit it. */
async function editedBuiltinWelcome(): Promise<string> {
  const text = await readFile(join(BUILTIN_WORKFLOWS_DIR, 'registration-welcome.yaml'), 'utf8');
  const edited = text.replace(/ {2}sms: >-\n(?: {4}.*\n)+/, '  sms: "Edited welcome for {{ attendee.firstName }}"\n');
  expect(edited).not.toBe(text);
  const path = join(dir, `edited-${Math.random().toString(36).slice(2)}`);
  await writeFile(`${path}.yaml`, edited);
  return `${path}.yaml`;
}

describe('enabled workflows', () => {
  it('loads only the built-in workflows of the enabled features, with their triggers', async () => {
    const welcome = await loadEnabledWorkflows({ features: ['registration-welcome'] });
    expect(welcome.map((w) => [w.name, w.trigger])).toEqual([['registration-welcome', 'accelevents.registration']]);
    const checkIn = await loadEnabledWorkflows({ features: ['checkin-welcome', 'agent-console'] });
    expect(checkIn.map((w) => [w.name, w.trigger]).sort()).toEqual([
      ['checkin-preference-reply', 'highlevel.inbound_message'],
      ['checkin-welcome', 'accelevents.check_in'],
    ]);
    expect(await loadEnabledWorkflows({ features: [] })).toEqual([]);
  });

  it('replaces a built-in with the file workflow of the same name, saying where it came from', async () => {
    const file = await editedBuiltinWelcome();
    const enabled = await listEnabledWorkflows({ features: ['registration-welcome'], userPath: file });
    expect(enabled.map((w) => [w.definition.name, w.source, w.replacesBuiltIn])).toEqual([
      ['registration-welcome', file, true],
    ]);
    expect(enabled[0]?.definition.templates?.sms).toBe('Edited welcome for {{ attendee.firstName }}');
    expect(doubleSendsAmong(enabled)).toEqual([]);
  });

  it('finds a second welcome on the same trigger under a new name, naming both', async () => {
    const file = join(dir, 'my-welcome.yaml');
    await writeFile(file, WELCOME_YAML.replace('name: registration-welcome', 'name: my-welcome'));
    const enabled = await listEnabledWorkflows({
      features: ['registration-welcome', 'checkin-welcome'],
      userPath: file,
    });
    const doubles = doubleSendsAmong(enabled);
    expect(doubles).toEqual([
      {
        trigger: 'accelevents.registration',
        workflows: ['registration-welcome (built-in)', `my-welcome (${file})`],
        message: `registration-welcome (built-in) and my-welcome (${file}) both send a message on trigger accelevents.registration: one event sends 2 messages`,
        fix: expect.stringContaining('name the file\'s workflow "registration-welcome"'),
      },
    ]);
  });

  it('does not count the sponsor relay’s per-staff copies, nor the relay beside the sponsor channel, as double sends', async () => {
    const enabled = await listEnabledWorkflows({
      features: ['sponsor-channel', 'checkin-welcome'],
      sponsors: [{ name: 'Acme', keyword: 'ACME', key: 'acme', staff: [] }],
      sponsorStaffContactIds: ['staff-a', 'staff-b'],
    });
    expect(enabled.find((w) => w.definition.name === 'sponsor-relay')?.runs).toHaveLength(2);
    expect(enabled.find((w) => w.definition.name === 'sponsor-channel')?.runs).toHaveLength(1);
    expect(doubleSendsAmong(enabled)).toEqual([]);
  });
});

describeEachDatabase('a built-in replaced by a file', (getStore) => {
  it('sends one welcome for a registration, the file’s', async () => {
    const file = await editedBuiltinWelcome();
    const workflows = await loadEnabledWorkflows({ features: ['registration-welcome'], userPath: file });
    const locationId = newLocation(handle);
    const { client, calls } = recordingClient(handle, locationId);
    const person = attendee({ firstName: 'Ada' });
    const outcomes = await runTriggered(
      { db: getStore().db, highlevel: client, workflows, logger: silentLogger, engine: createTemplateEngine() },
      'accelevents.registration',
      {
        key: `registration:devconf-2026:${person.id}`,
        locationId,
        data: { attendee: person, event: { key: 'devconf-2026', name: 'DevConf 2026' } },
      },
    );
    expect(outcomes.map((o) => [o.workflow, o.status])).toEqual([['registration-welcome', 'completed']]);
    expect(calls.filter((op) => op === 'send-a-new-message')).toHaveLength(1);
    const conversationId = (outcomes[0]!.outputs.conversation as { id: string }).id;
    const thread = handle.sandbox.domain!.state.messages.thread(conversationId);
    expect(thread.map((m) => m.body)).toEqual(['Edited welcome for Ada']);
  });
});

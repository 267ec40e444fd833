/**
 * The config keys the built-in workflows and pollers read (`workflows.path`, `events`, `sponsor`):
 * defaults that keep an empty config working, values kept as written, and file:line:col errors.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadFileConfig } from '../../src/app/load-file-config.js';
import {
  listEnabledWorkflows,
  loadEnabledWorkflows,
  SPONSOR_NOT_CONFIGURED,
} from '../../src/features/enabled-workflows.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-builtin-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(name: string, lines: string[]) {
  await writeFile(join(dir, name), lines.join('\n'));
  return loadFileConfig({ path: name, env: {}, cwd: dir });
}

it('reads an empty config as every feature on, with nothing else set', async () => {
  const config = await load('empty.yaml', ['# nothing']);
  expect(config.features).toContain('sponsor-channel');
  expect(config.features).toContain('session-highlights');
  expect(config.workflows).toEqual({ path: null });
  expect(config.events).toEqual([]);
  expect(config.sponsor).toEqual({ sponsors: [], staffContactIds: [] });
});

const loadFull = () =>
  load('full.yaml', [
    'workflows:',
    '  path: my-workflows',
    'events:',
    '  - eventUrl: devconf-2026',
    '    name: DevConf 2026',
    '    locationId: loc-1',
    '  - eventUrl: meetup',
    '    sessionsPoll: false',
    'sponsor:',
    '  staffContactIds: [staff-a, staff-b, staff-a]',
  ]);

it('resolves workflows.path from cwd', async () => {
  const config = await loadFull();
  expect(config.workflows.path).toBe(join(dir, 'my-workflows'));
});

it('reads events with their defaults', async () => {
  const config = await loadFull();
  expect(config.events).toEqual([
    {
      eventUrl: 'devconf-2026',
      name: 'DevConf 2026',
      locationId: 'loc-1',
      sessionsPoll: true,
      timeZone: null,
      recipients: null,
      formatLabels: {},
    },
    {
      eventUrl: 'meetup',
      name: null,
      locationId: null,
      sessionsPoll: false,
      timeZone: null,
      recipients: null,
      formatLabels: {},
    },
  ]);
});

it('drops repeated staff ids', async () => {
  const config = await loadFull();
  expect(config.sponsor.staffContactIds).toEqual(['staff-a', 'staff-b']);
});

it("reads an event's session follow-up settings", async () => {
  const config = await load('sessions.yaml', [
    'events:',
    '  - eventUrl: devconf-2026',
    '    timezone: Europe/Berlin',
    '    recipients: checked-in',
    '    formatLabels: { MAIN_STAGE: Keynote }',
  ]);
  expect(config.events[0]).toMatchObject({
    timeZone: 'Europe/Berlin',
    recipients: 'checked-in',
    formatLabels: { MAIN_STAGE: 'Keynote' },
  });
});

const badSessionsError = () =>
  load('bad-sessions.yaml', [
    'events:',
    '  - eventUrl: devconf-2026',
    '    timezone: Eastern Time',
    '    recipients: everyone',
  ]).then(
    () => null,
    (e: Error) => e,
  );

it('reports an unknown time zone at its line:column, with what was expected', async () => {
  const error = await badSessionsError();
  expect(error?.message).toMatch(
    /bad-sessions\.yaml:3:\d+ events\[0\]\.timezone: expected an IANA time zone such as America\/New_York/,
  );
});

it('reports an unknown recipients value at its line:column, with what was expected', async () => {
  const error = await badSessionsError();
  expect(error?.message).toMatch(
    /bad-sessions\.yaml:4:\d+ events\[0\]\.recipients: expected one of session-attendees, checked-in, all-registrants, got "everyone"/,
  );
});

const badError = () =>
  load('bad.yaml', [
    'events:',
    '  - eventUrl: "has spaces"',
    '    sessionPoll: true',
    'sponsor:',
    '  staffIds: [x]',
  ]).then(
    () => null,
    (e: Error) => e,
  );

it('points at the line:column of a bad event entry', async () => {
  const error = await badError();
  expect(error?.message).toMatch(/bad\.yaml:2:\d+ .*events\[0\]\.eventUrl.*event URL slug/);
  expect(error?.message).toMatch(/bad\.yaml:3:\d+ .*sessionPoll/);
});

it('points at the line:column of a misspelt sponsor key', async () => {
  const error = await badError();
  expect(error?.message).toMatch(/bad\.yaml:5:\d+ .*staffIds/);
});

it('loads no deprecated sponsor relay without staff', async () => {
  const none = await loadEnabledWorkflows({ features: ['sponsor-channel', 'session-highlights'] });
  expect(none.map((w) => w.name)).toEqual(['session-highlights']);
});

const loadTwoRelays = () =>
  loadEnabledWorkflows({
    features: ['sponsor-channel'],
    sponsorStaffContactIds: ['staff-a', 'staff-b', 'staff-a'],
  });

it('loads the deprecated sponsor relay once per distinct staff contact', async () => {
  const two = await loadTwoRelays();
  expect(two.map((w) => w.templates?.staffContactId)).toEqual(['staff-a', 'staff-b']);
});

it('names each deprecated sponsor relay by a hash of its staff contact id, whatever the order', async () => {
  const two = await loadTwoRelays();
  expect(
    two.every((w) => /^sponsor-relay\.[0-9a-f]{12}$/.test(w.name) && w.trigger === 'highlevel.inbound_message'),
  ).toBe(true);
  const reordered = await loadEnabledWorkflows({
    features: ['sponsor-channel'],
    sponsorStaffContactIds: ['staff-b', 'staff-a'],
  });
  expect(reordered.map((w) => w.name).sort()).toEqual(two.map((w) => w.name).sort());
});

it('loads the sponsor channel once when the config lists sponsors', async () => {
  const sponsors = [{ name: 'Acme', keyword: 'ACME', key: 'acme', staff: [] }];
  const loaded = await loadEnabledWorkflows({ features: ['sponsor-channel'], sponsors });
  expect(loaded.map((w) => [w.name, w.trigger])).toEqual([['sponsor-channel', 'highlevel.inbound_message']]);
});

it('runs no sponsor channel without sponsors, listing it as not configured', async () => {
  const listed = await listEnabledWorkflows({ features: ['sponsor-channel'] });
  expect(listed.map((w) => [w.definition.name, w.runs.length, w.notConfigured])).toEqual([
    ['sponsor-channel', 0, SPONSOR_NOT_CONFIGURED],
  ]);
});

/**
 * Session follow-ups without an event to poll: `parley workflows list` and `parley doctor` say "not
 * configured" and the pipeline does not load a session.ended workflow, instead of listing it as if it
 * ran; with an event whose sessions are polled it is listed, loaded and described.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDoctorCommand } from '../../src/cli/commands/doctor.js';
import { runList } from '../../src/cli/commands/workflows.js';
import { loadEnabledWorkflows } from '../../src/features/enabled-workflows.js';
import { DEFAULT_FEATURES } from '../../src/features/feature-names.js';
import { planScopes } from '../../src/features/scope-planner.js';
import { createDiagnosticsWorld, type DiagnosticsWorld } from '../cli/diagnostics-world.js';

const NOT_CONFIGURED =
  'not configured: no event in events: has its sessions polled (README "Events and session follow-ups")';

let world: DiagnosticsWorld;
beforeEach(async () => {
  world = await createDiagnosticsWorld();
  await world.seedHighLevel({ scopes: planScopes(DEFAULT_FEATURES).scopes });
});
afterEach(async () => {
  await world.dispose();
});

async function config(lines: string[]): Promise<void> {
  await writeFile(join(world.dir, 'parley.config.yaml'), `${lines.join('\n')}\n`);
}

async function listed(): Promise<string> {
  let text = '';
  await runList(undefined, {}, { write: (chunk: string) => (text += chunk), cwd: world.dir, env: {} });
  return text;
}

const doctorLine = (out: string) => out.split('\n').find((line) => /^(ok|warn|fail) +session follow-ups /.test(line));

describe('session follow-ups without events', () => {
  it('workflows list shows session-highlights as not configured when no event is polled', async () => {
    await config(['events:', '  - eventUrl: devconf-2026', '    sessionsPoll: false']);
    expect(await listed()).toContain(
      `session-highlights  (trigger session.ended, lane automation)\n  source: built-in\n  status: ${NOT_CONFIGURED}\n`,
    );
  });

  it('workflows list shows session-highlights with no status once an event is polled', async () => {
    await config(['events:', '  - eventUrl: devconf-2026']);
    const text = await listed();
    expect(text).toContain(
      'session-highlights  (trigger session.ended, lane automation)\n  source: built-in\n  steps:',
    );
    expect(text).not.toContain(NOT_CONFIGURED);
  });

  it('doctor says session follow-ups are not configured', async () => {
    await runDoctorCommand({}, world.io());
    const out = world.output();
    expect(doctorLine(out)).toMatch(
      new RegExp(`^ok +session follow-ups +${escapeRegExp(NOT_CONFIGURED)}; its workflow is not loaded$`),
    );
  });

  it('doctor does not count session-highlights as enabled when no event is polled', async () => {
    await runDoctorCommand({}, world.io());
    const out = world.output();
    expect(out).toMatch(/^ok +workflows +\d+ enabled: (?!.*session-highlights).*$/m);
  });

  it('doctor describes the follow-ups of each polled event: recipients, time zone', async () => {
    await config([
      'events:',
      '  - eventUrl: devconf-2026',
      '    timezone: Europe/Berlin',
      '    recipients: checked-in',
      '  - eventUrl: meetup',
    ]);
    await runDoctorCommand({}, world.io());
    expect(doctorLine(world.output())).toMatch(
      /^ok +session follow-ups +2 event\(s\): devconf-2026 \(to checked-in; times in Europe\/Berlin\), meetup \(to session attendees, else checked-in; times in the event's zone\)$/,
    );
  });

  it('the pipeline loads no session.ended workflow, built-in or from a file, without a polled event', async () => {
    await mkdir(join(world.dir, 'flows'));
    await writeFile(
      join(world.dir, 'flows', 'recap.yaml'),
      [
        'name: session-recap',
        'trigger: session.ended',
        'steps:',
        '  - id: contact',
        '    action: contacts.upsert',
        '    with: { email: "{{ attendee.email }}" }',
      ].join('\n'),
    );
    const options = { features: DEFAULT_FEATURES, userPath: join(world.dir, 'flows') };
    const without = await loadEnabledWorkflows({ ...options, sessionEvents: [] });
    expect(without.filter((w) => w.trigger === 'session.ended')).toEqual([]);
    const withEvent = await loadEnabledWorkflows({ ...options, sessionEvents: ['devconf-2026'] });
    expect(withEvent.filter((w) => w.trigger === 'session.ended').map((w) => w.name)).toEqual([
      'session-highlights',
      'session-recap',
    ]);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

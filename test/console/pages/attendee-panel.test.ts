/**
 * The thread page's attendee panel over a sandbox-synced index, on both databases: the Accelevents
 * attendee id, the event's name and ticket type from the runs parley made for the attendee, the
 * check-in state, the preference answers, the notes, and the attendee's workflow runs (linked to the admin run
 * page for an admin only); none for a contact no attendee is linked to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../src/console/auth/roles.js';
import { saveAnswer } from '../../../src/preferences/preference-rows.js';
import { insertNote } from '../../helpers/attendee-notes.js';
import { CONSOLE_PASSWORD, type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';

const EVENT = 'devconf-2026';
const AT = Date.UTC(2026, 2, 10, 9, 30);

describe.each(DATABASE_KINDS)('thread page attendee panel [%s]', (kind) => {
  let harness: ConsoleApp;
  const cookies = new Map<Role, string>();
  let linked: { conversation_id: string; contact_id: string | null; contact_email: string | null; location_id: string };
  let unlinked: string;

  const page = (role: Role, url: string) => harness.app.inject({ url, headers: { cookie: cookies.get(role) ?? '' } });

  async function run(id: string, workflow: string, key: string, data: Record<string, unknown>, startedAt: number) {
    await harness.deps.db
      .insertInto('workflow_runs')
      .values({
        id,
        workflow,
        trigger_key: `${workflow}:${key}`,
        status: 'completed',
        input: JSON.stringify({ key, locationId: linked.location_id, data }),
        error: null,
        started_at: startedAt,
        finished_at: startedAt + 1000,
      })
      .execute();
  }

  beforeAll(async () => {
    harness = await startConsoleApp(kind, { attendees: 4 });
    for (const role of ['agent', 'admin', 'viewer'] as const) {
      const login = await harness.app.inject({
        method: 'POST',
        url: '/api/login',
        payload: { email: harness.email(role), password: CONSOLE_PASSWORD },
      });
      const header = login.headers['set-cookie'];
      cookies.set(role, ((Array.isArray(header) ? header[0] : header) ?? '').split(';')[0] ?? '');
    }
    const rows = await harness.deps.db
      .selectFrom('index_conversations')
      .select(['conversation_id', 'contact_id', 'contact_email', 'location_id'])
      .where('contact_email', 'is not', null)
      .orderBy('conversation_id')
      .execute();
    linked =
      rows[0] ??
      (() => {
        throw new Error('the synced index has no conversation with an email');
      })();
    unlinked = rows[1]?.conversation_id ?? '';
    const email = linked.contact_email ?? '';
    for (const [eventKey, at] of [
      [EVENT, AT],
      [`check-in:${EVENT}`, AT + 3_600_000],
    ] as const) {
      await harness.deps.db
        .insertInto('attendee_links')
        .values({
          event_key: eventKey,
          attendee_id: 'ae-7001',
          location_id: linked.location_id,
          contact_id: linked.contact_id,
          conversation_id: linked.conversation_id,
          welcome_message_id: null,
          created_at: at,
          updated_at: at,
        })
        .execute();
    }
    const attendee = { id: 'ae-7001', email, ticketType: 'VIP Pass' };
    const event = { key: EVENT, url: EVENT, id: null, name: 'DevConf 2026' };
    await run('run-welcome', 'registration-welcome', `registration:${EVENT}:${email}`, { attendee, event }, AT);
    await run('run-checkin', 'checkin-welcome', `check_in:${EVENT}:${email}`, { attendee, event }, AT + 3_600_000);
    // Someone else's run, whose email merely starts with this one's: not theirs.
    await run('run-other', 'registration-welcome', `registration:${EVENT}:${email}.au`, { attendee, event }, AT);
    await insertNote(harness.deps.db, {
      id: 'note-1',
      locationId: linked.location_id,
      contactId: linked.contact_id ?? '',
      attendeeId: 'ae-7001',
      eventKey: `check-in:${EVENT}`,
      body: 'Needs a <wheelchair> ramp',
      source: 'marketplace:wf-access',
      createdAt: AT + 3_800_000,
    });
    await saveAnswer(harness.deps.db, {
      locationId: linked.location_id,
      contactId: linked.contact_id ?? '',
      key: 'updates',
      value: 'workshops',
      raw: '2 please',
      now: AT + 3_700_000,
    });
  });
  afterAll(async () => harness?.close());

  /** The attendee panel of the linked conversation's thread page, as `role` sees it. */
  async function panelFor(role: 'agent' | 'admin' | 'viewer') {
    const response = await page(role, `/console/conversations/${linked.conversation_id}`);
    expect(response.statusCode).toBe(200);
    return /<section class="attendee-panel"[\s\S]*?<\/section>/.exec(response.body)?.[0] ?? '';
  }

  it("shows the attendee's Accelevents record with their answers", async () => {
    const panel = await panelFor('agent');
    expect(panel).toContain('<dt>Accelevents attendee id</dt><dd>ae-7001</dd>');
    expect(panel).toContain('<dt>Event</dt><dd>DevConf 2026</dd>');
    expect(panel).toContain('<dt>Ticket type</dt><dd>VIP Pass</dd>');
    expect(panel).toContain('<dt>Check-in</dt><dd>checked in 2026-03-10 10:30 UTC</dd>');
    expect(panel).toMatch(/<dt>updates<\/dt><dd>workshops <span class="hint">\(“2 please”\)<\/span>/);
  });

  it('shows the notes HighLevel workflows added, escaped, with who added them and when', async () => {
    const panel = await panelFor('agent');
    expect(panel).toContain(
      '<li><p class="note-body">Needs a &lt;wheelchair&gt; ramp</p> <span class="hint">marketplace:wf-access, 2026-03-10 10:33 UTC</span>',
    );
  });

  it.each(['agent', 'admin'] as const)('offers %s a form that deletes each note through the API', async (role) => {
    const panel = await panelFor(role);
    expect(panel).toMatch(
      /<form class="inline" data-api="\/api\/notes\/note-1" data-method="DELETE" data-confirm="[^"]+" data-reload>/,
    );
  });

  it('offers a viewer the notes without a way to delete them', async () => {
    const panel = await panelFor('viewer');
    expect(panel).toContain('Needs a &lt;wheelchair&gt; ramp');
    expect(panel).not.toContain('/api/notes/');
  });

  it("lists the attendee's workflow runs newest first", async () => {
    const panel = await panelFor('agent');
    const runs = [...panel.matchAll(/<li>(.*?) <span class="status status-completed">/g)].map((m) => m[1]);
    // Newest first; an agent sees the runs but has no admin run page to open.
    expect(runs).toEqual(['checkin-welcome', 'registration-welcome']);
  });

  it('links each run to its admin page for an admin', async () => {
    const response = await page('admin', `/console/conversations/${linked.conversation_id}`);
    expect(response.body).toContain('<a href="/console/admin/runs/run-checkin">checkin-welcome</a>');
    expect(response.body).toContain('<a href="/console/admin/runs/run-welcome">registration-welcome</a>');
    expect(response.body).not.toContain('run-other');
  });

  it('shows what started a run on its admin page', async () => {
    const runPage = await page('admin', '/console/admin/runs/run-welcome');
    expect(runPage.statusCode).toBe(200);
    expect(runPage.body).toContain(`<code>registration-welcome:registration:${EVENT}:${linked.contact_email}</code>`);
    expect(runPage.body).toContain('VIP Pass');
  });

  it('answers an agent 403 on a run’s admin page', async () => {
    expect((await page('agent', '/console/admin/runs/run-welcome')).statusCode).toBe(403);
  });

  it('shows no attendee panel for a contact no Accelevents attendee is linked to', async () => {
    const response = await page('agent', `/console/conversations/${unlinked}`);
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain('class="attendee-panel"');
  });
});

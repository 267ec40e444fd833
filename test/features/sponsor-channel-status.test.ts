/**
 * The sponsor channel's honest status: with the feature on but no sponsors, `parley doctor` says "not
 * configured" (and lists no sponsor workflow among the enabled ones), as does the console's workflows
 * page; with sponsors it names them; the deprecated staffContactIds relay and a sponsor nobody answers
 * for are warnings with a fix. Doctor runs on SQLite and PostgreSQL.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runDoctorCommand } from '../../src/cli/commands/doctor.js';
import { createDiagnosticsWorld, type DiagnosticsWorld } from '../cli/diagnostics-world.js';
import { CONSOLE_PASSWORD, type ConsoleAppOptions, startConsoleApp } from '../helpers/console-app.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/databases.js';

interface Check {
  name: string;
  level: string;
  detail: string;
  fix?: string;
}

describe.each(DATABASE_KINDS)('parley doctor on the sponsor channel [%s]', (kind) => {
  let database: TestDatabase | null = null;
  let world: DiagnosticsWorld;

  beforeAll(async () => {
    database = kind === 'postgres' ? await openTestDatabase('postgres') : null;
  });
  afterAll(async () => {
    await database?.dispose();
  });
  afterEach(async () => {
    await world?.dispose();
  });

  async function doctorWith(config: string | null): Promise<Check[]> {
    world = await createDiagnosticsWorld(
      database?.location.databaseUrl ? { databaseUrl: database.location.databaseUrl } : {},
    );
    if (config !== null) await writeFile(join(world.dir, 'parley.config.yaml'), config);
    // Failures elsewhere (no connection yet) do not matter here; the report is printed either way.
    await runDoctorCommand({ json: true }, world.io()).catch(() => undefined);
    return (JSON.parse(world.output()) as { checks: Check[] }).checks;
  }
  const sponsorLines = (checks: Check[]) => checks.filter((c) => c.name === 'sponsor channel');

  it('says the sponsor channel is not configured, not enabled, when the config lists no sponsors', async () => {
    const checks = await doctorWith(null);
    expect(sponsorLines(checks)).toEqual([
      {
        name: 'sponsor channel',
        level: 'ok',
        detail:
          'not configured: no sponsors in sponsor.sponsors (see README "Sponsor channel"); its workflow is not loaded',
      },
    ]);
    const workflows = checks.find((c) => c.name === 'workflows');
    expect(workflows?.detail).not.toContain('sponsor');
  });

  const ACME_CONFIG = 'sponsor:\n  sponsors:\n    - { name: Acme, keyword: ACME, staff: [staff@acme.example] }\n';

  it('names the configured sponsors', async () => {
    const checks = await doctorWith(ACME_CONFIG);
    expect(sponsorLines(checks)).toEqual([
      { name: 'sponsor channel', level: 'ok', detail: '1 sponsor(s): Acme (keyword ACME, 1 staff)' },
    ]);
  });

  it('counts the sponsor channel workflow as enabled once sponsors are configured', async () => {
    const checks = await doctorWith(ACME_CONFIG);
    expect(checks.find((c) => c.name === 'workflows')?.detail).toContain('sponsor-channel');
  });

  it('warns, with the fix, about each sponsor setting that needs attention', async () => {
    const checks = await doctorWith(
      'sponsor:\n  staffContactIds: [staff-a]\n  sponsors:\n    - { name: Globex, keyword: Globex }\n',
    );
    expect(sponsorLines(checks).map((c) => [c.level, c.detail, c.fix])).toEqual([
      ['ok', '1 sponsor(s): Globex (keyword Globex, 0 staff)', undefined],
      [
        'warn',
        "sponsor Globex has no staff: its attendees' messages reach only admins and agents",
        expect.stringContaining('under its staff'),
      ],
      [
        'warn',
        expect.stringContaining('sponsor.staffContactIds is deprecated'),
        expect.stringContaining('then remove sponsor.staffContactIds'),
      ],
    ]);
  });
});

describe('the console workflows page and the sponsor channel', () => {
  const notConfigured = /sponsor-channel <span class="admin-status admin-status-disabled">not configured<\/span>/;

  /** The admin workflows page of a console started with `config`. */
  async function workflowsPage(config: ConsoleAppOptions['config']): Promise<string> {
    const parley = await startConsoleApp('sqlite', { attendees: 1, sync: false, config });
    try {
      const login = await parley.app.inject({
        method: 'POST',
        url: '/api/login',
        payload: { email: parley.email('admin'), password: CONSOLE_PASSWORD },
      });
      const cookie = String([login.headers['set-cookie']].flat()[0]).split(';')[0] ?? '';
      const page = await parley.app.inject({ url: '/console/admin/workflows', headers: { cookie } });
      expect(page.statusCode).toBe(200);
      return page.body;
    } finally {
      await parley.close();
    }
  }

  it('lists the sponsor channel as not configured when the config lists no sponsors', async () => {
    const body = await workflowsPage({});
    expect(notConfigured.test(body)).toBe(true);
    expect(body).toContain('no sponsors in sponsor.sponsors');
  });

  it('does not list the sponsor channel as not configured once the config lists sponsors', async () => {
    const body = await workflowsPage({ sponsor: { sponsors: [{ name: 'Acme', keyword: 'ACME' }] } });
    expect(notConfigured.test(body)).toBe(false);
  });
});

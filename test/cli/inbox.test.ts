/**
 * `parley inbox list|show|reprocess` in-process against a real database the command opens itself from
 * the environment (PARLEY_DATA_DIR for SQLite, DATABASE_URL for PostgreSQL). Deliveries arrive through
 * the real intake route; rows with a status only the job handler writes are inserted with SQL.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import type { Insertable } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CommandIo } from '../../src/app/command-io.js';
import { register, runInboxList, runInboxReprocess, runInboxShow } from '../../src/cli/commands/inbox.js';
import type { InboxTable } from '../../src/store/schema.js';
import { DATABASE_KINDS, openTestDatabase, storeEnv, type TestDatabase } from '../helpers/databases.js';
import { cliRejection } from '../helpers/run-command.js';
import { buildIntakeApp, type IntakeApp, insertInboxRow } from '../intake/intake-app.js';

const NOW = Date.UTC(2025, 4, 6, 12, 0, 0);
const HOUR = 3_600_000;
/** Not a topic the default mapping knows; the config file written below aliases it to a registration. */
const BADGE_TOPIC = 'badge.printed';

for (const kind of DATABASE_KINDS) {
  describe(`parley inbox [${kind}]`, () => {
    let database: TestDatabase;
    let intake: IntakeApp;
    let configDir: string;
    let out = '';
    const io = (): CommandIo => {
      out = '';
      const env = storeEnv(database);
      const write = (text: string): void => {
        out += text;
      };
      return { env, write, cwd: configDir, now: () => NOW };
    };

    beforeAll(async () => {
      database = await openTestDatabase(kind);
      intake = await buildIntakeApp(database.store, { now: () => NOW - HOUR });
      configDir = await mkdtemp(join(tmpdir(), 'parley-inbox-'));
      await writeFile(
        join(configDir, 'parley.config.yaml'),
        `accelevents:\n  webhook:\n    topic:\n      aliases:\n        ${BADGE_TOPIC}: registration\n`,
      );
    });
    afterAll(async () => {
      await intake?.app.close();
      await database?.dispose();
      if (configDir) await rm(configDir, { recursive: true, force: true });
    });
    beforeEach(async () => {
      await database.store.db.deleteFrom('jobs').execute();
      await database.store.db.deleteFrom('inbox').execute();
    });

    async function deliver(body: unknown, headers: Record<string, string> = {}): Promise<string> {
      const response = await intake.app.inject({
        method: 'POST',
        url: intake.path,
        headers: { 'content-type': 'application/json', ...headers },
        payload: typeof body === 'string' ? body : JSON.stringify(body),
      });
      expect(response.statusCode).toBe(202);
      return response.json().id;
    }

    async function insertDelivery(row: Partial<Insertable<InboxTable>> & { received_at: number }): Promise<string> {
      return insertInboxRow(database.store.db, row);
    }

    it('says so when no delivery is stored', async () => {
      await runInboxList({}, io());
      expect(out).toBe('No deliveries.\n');
      await runInboxList({ json: true }, io());
      expect(JSON.parse(out)).toEqual([]);
    });

    it('lists deliveries newest first as a table, long reasons truncated', async () => {
      const long = `workflow registration-welcome was switched off when this arrived; ${'x'.repeat(80)}`;
      const skipped = await insertDelivery({
        received_at: NOW - 2 * HOUR,
        status: 'skipped',
        reason_code: 'workflow_off',
        reason: long,
      });
      const ignored = await deliver({ topic: BADGE_TOPIC, email: 'ada@example.com' });

      await runInboxList({}, io());
      const lines = out.split('\n');
      expect(lines[0]).toMatch(/^ID\s+RECEIVED\s+TOPIC\s+STATUS\s+REASON$/);
      expect(lines[1]).toMatch(
        new RegExp(`^${ignored}\\s+2025-05-06T11:00:00.000Z\\s+${BADGE_TOPIC}\\s+ignored\\s+\\S`),
      );
      expect(lines[2]).toMatch(new RegExp(`^${skipped}\\s+2025-05-06T10:00:00.000Z\\s+registration\\s+skipped\\s+`));
      expect(lines[2]).toContain('workflow registration-welcome was switched off');
      expect(lines[2]).toMatch(/…$/);
      expect(lines[2]).not.toContain('x'.repeat(80));
      expect(out).toContain('2 deliveries. Show one with: parley inbox show <id>');
    });

    it('prints the list as a JSON array with --json', async () => {
      const failed = await insertDelivery({ received_at: NOW - HOUR, status: 'failed', error: 'HighLevel said 422' });
      await runInboxList({ json: true }, io());
      expect(JSON.parse(out)).toEqual([
        expect.objectContaining({
          id: failed,
          receivedAt: '2025-05-06T11:00:00.000Z',
          topic: 'registration',
          status: 'failed',
          reasonCode: null,
          reason: null,
          error: 'HighLevel said 422',
        }),
      ]);
    });

    /** Stores an old and a recent ignored delivery and a processed one; answers the ignored ids. */
    async function insertDeliveriesToFilter(): Promise<{ old: string; recent: string }> {
      const old = await insertDelivery({
        received_at: NOW - 3 * 24 * HOUR,
        status: 'ignored',
        reason_code: 'no_workflow',
      });
      const recent = await insertDelivery({ received_at: NOW - HOUR, status: 'ignored', reason_code: 'no_workflow' });
      await insertDelivery({ received_at: NOW - HOUR, status: 'processed' });
      return { old, recent };
    }

    const listedIds = async (options: Parameters<typeof runInboxList>[0]) => {
      await runInboxList({ ...options, json: true }, io());
      return (JSON.parse(out) as { id: string }[]).map((d) => d.id);
    };

    it('filters by --status', async () => {
      const { old, recent } = await insertDeliveriesToFilter();
      expect(await listedIds({ status: 'ignored' })).toEqual([recent, old]);
    });

    it('filters by --since given as a duration', async () => {
      const { recent } = await insertDeliveriesToFilter();
      expect(await listedIds({ status: 'ignored', since: '2h' })).toEqual([recent]);
    });

    it('filters by --since given as an ISO date or date/time', async () => {
      const { old, recent } = await insertDeliveriesToFilter();
      expect(await listedIds({ status: 'ignored', since: '2025-05-06' })).toEqual([recent]);
      expect(await listedIds({ status: 'ignored', since: '2025-05-03T00:00:00Z' })).toEqual([recent, old]);
    });

    it('lists no more than --limit deliveries', async () => {
      const { recent } = await insertDeliveriesToFilter();
      expect(await listedIds({ status: 'ignored', limit: 1 })).toEqual([recent]);
    });

    /** Delivers a badge event with a request id header; answers its id and raw body. */
    async function deliverBadgeEvent(): Promise<{ id: string; body: string }> {
      const body = JSON.stringify({ topic: BADGE_TOPIC, email: 'grace@example.com' });
      return { id: await deliver(body, { 'x-request-id': 'req-42' }), body };
    }

    it('shows one delivery in full as text', async () => {
      const { id, body } = await deliverBadgeEvent();
      await runInboxShow(id, {}, io());
      expect(out).toContain(`Delivery ${id}`);
      expect(out).toMatch(/status: +ignored/);
      expect(out).toMatch(/reason: +topic_not_recognised: /);
      expect(out).toContain('x-request-id: req-42');
      expect(out).toContain('"email": "grace@example.com"');
      expect(out).toContain(`Body (raw):\n${body}\n`);
    });

    it('shows one delivery as JSON with --json', async () => {
      const { id, body } = await deliverBadgeEvent();
      await runInboxShow(id, { json: true }, io());
      const shown = JSON.parse(out);
      expect(shown).toMatchObject({ id, status: 'ignored', reasonCode: 'topic_not_recognised', body });
      expect(shown.headers['x-request-id']).toBe('req-42');
      expect(shown.mapped).toMatchObject({ rawTopic: BADGE_TOPIC, fields: { email: 'grace@example.com' } });
    });

    it('prints a body’s terminal control characters as \\xNN, not raw', async () => {
      const id = await insertDelivery({ received_at: NOW, body: 'before\u001b[2Jafter\u009b31m' });
      await runInboxShow(id, {}, io());
      expect(out).toContain('before\\x1b[2Jafter\\x9b31m');
      expect(out).not.toContain('\u001b');
      await runInboxShow(id, { json: true }, io());
      expect(out).not.toContain('\u009b');
      expect(JSON.parse(out).body).toBe('before\u001b[2Jafter\u009b31m');
    });

    it('refuses to show an unknown id, exiting non-zero with a clear message', async () => {
      const show = await cliRejection(runInboxShow('no-such-delivery', {}, io()));
      expect(show).toMatchObject({ code: 'delivery_not_found', exitCode: 1 });
      expect(show.message).toBe('no delivery with id no-such-delivery (see `parley inbox list`)');
    });

    it('refuses to reprocess an unknown id, naming it, with a non-zero exit', async () => {
      const reprocess = await cliRejection(runInboxReprocess('no-such-delivery', {}, io()));
      expect(reprocess).toMatchObject({ code: 'delivery_not_found', exitCode: 1 });
      expect(reprocess.message).toContain('no-such-delivery');
    });

    /** Delivers a badge event (ignored under the default mapping) and reprocesses it by id. */
    async function reprocessBadgeEvent(): Promise<string> {
      const id = await deliver({ topic: BADGE_TOPIC, barcode: 'bc-7', email: 'lin@example.com' });
      await runInboxReprocess(id, {}, io());
      return id;
    }

    it('reports what reprocessing one delivery queued', async () => {
      const id = await reprocessBadgeEvent();
      expect(out).toContain(`${id}: received; queued 1 job`);
      expect(out).toContain('Reprocessed 1 delivery: 1 queued, 0 started nothing.');
    });

    it('reprocesses one delivery with the config file’s current mapping', async () => {
      const id = await reprocessBadgeEvent();
      const row = await database.store.db.selectFrom('inbox').selectAll().where('id', '=', id).executeTakeFirst();
      expect(row).toMatchObject({ status: 'received', topic: 'registration', reason_code: null });
    });

    it('queues a job for a reprocessed delivery', async () => {
      const id = await reprocessBadgeEvent();
      const jobs = await database.store.db.selectFrom('jobs').select('payload').execute();
      expect(jobs.map((job) => JSON.parse(job.payload).inboxId)).toEqual([id]);
    });

    /** Stores two skipped deliveries and a failed one, then reprocesses --status skipped --json. */
    async function reprocessSkipped() {
      const skipped = [
        await insertDelivery({
          received_at: NOW - 2 * HOUR,
          status: 'skipped',
          reason_code: 'workflow_off',
          reason: 'off',
        }),
        await insertDelivery({
          received_at: NOW - HOUR,
          status: 'skipped',
          reason_code: 'workflow_off',
          reason: 'off',
        }),
      ];
      const failed = await insertDelivery({ received_at: NOW - HOUR, status: 'failed', error: 'boom' });

      await runInboxReprocess(undefined, { status: 'skipped', json: true }, io());
      const results = JSON.parse(out) as { id: string; status: string; queued: number; createdIds: string[] }[];
      return { skipped, failed, results };
    }

    it('reprocesses every skipped delivery with --status skipped, printing a --json array', async () => {
      const { skipped, results } = await reprocessSkipped();
      expect(results.map((r) => [r.id, r.status, r.queued])).toEqual([
        [skipped[0], 'received', 1],
        [skipped[1], 'received', 1],
      ]);
    });

    it('leaves deliveries of other statuses alone on --status skipped', async () => {
      const { failed } = await reprocessSkipped();
      const left = await database.store.db
        .selectFrom('inbox')
        .select('status')
        .where('id', '=', failed)
        .executeTakeFirst();
      expect(left?.status).toBe('failed');
    });

    it('says so when no delivery with the --status is left to reprocess', async () => {
      await reprocessSkipped();
      await runInboxReprocess(undefined, { status: 'skipped' }, io());
      expect(out).toBe('No skipped deliveries to reprocess.\n');
    });
  });
}

describe('parley inbox arguments', () => {
  const quiet: CommandIo = { env: {}, write: () => {} };

  it('refuses a --since that is neither an ISO date/time nor a duration, naming the forms it takes', async () => {
    for (const value of ['yesterday', '2025-02-30', '3 days', '7y']) {
      const error = await cliRejection(runInboxList({ since: value }, quiet));
      expect(error).toMatchObject({ code: 'invalid_argument', exitCode: 2 });
      expect(error.message).toBe(
        `--since must be an ISO date/time (2025-05-06, 2025-05-06T09:30:00Z) or a duration (30m, 2h, 7d, 2w); got "${value}"`,
      );
    }
  });

  it('refuses an unknown --status for list with exit code 2', async () => {
    const list = await cliRejection(runInboxList({ status: 'lost' }, quiet));
    expect(list).toMatchObject({ code: 'invalid_argument', exitCode: 2 });
    expect(list.message).toBe('--status must be one of received, processed, ignored, skipped, failed; got "lost"');
  });

  it('refuses to reprocess a --status that already ran or waits to run', async () => {
    const reprocess = await cliRejection(runInboxReprocess(undefined, { status: 'processed' }, quiet));
    expect(reprocess.message).toBe(
      '--status must be one of ignored, skipped, failed (deliveries that did not run); got "processed"',
    );
  });

  const program = (): Command => {
    const parley = new Command().exitOverride();
    register(parley);
    return parley;
  };

  it('asks reprocess for an id or --status with exit code 2', async () => {
    const missing = await cliRejection(program().parseAsync(['node', 'parley', 'inbox', 'reprocess']));
    expect(missing).toMatchObject({ code: 'invalid_argument', exitCode: 2 });
    expect(missing.message).toBe(
      'give the id of a delivery (see `parley inbox list`), or --status ignored|skipped|failed',
    );
  });

  it('refuses a reprocess given both an id and --status', async () => {
    const both = await cliRejection(runInboxReprocess('d-1', { status: 'ignored' }, quiet));
    expect(both.message).toBe('give either a delivery id or --status, not both');
  });

  it('refuses a --limit that is not a positive integer', async () => {
    const badLimit = await cliRejection(program().parseAsync(['node', 'parley', 'inbox', 'list', '--limit', '0']));
    expect(badLimit.message).toBe('--limit must be a positive integer; got "0"');
  });

  it('answers --help for every inbox command with its options', async () => {
    const help = async (args: string[]): Promise<string> => {
      let text = '';
      const program = new Command('parley').exitOverride();
      register(program);
      const capture = (command: Command) => {
        command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
        for (const sub of command.commands) capture(sub);
      };
      capture(program);
      await expect(program.parseAsync(['node', 'parley', ...args, '--help'])).rejects.toBeInstanceOf(CommanderError);
      return text;
    };
    expect(await help(['inbox'])).toMatch(/list[\s\S]*show[\s\S]*reprocess/);
    expect(await help(['inbox', 'list'])).toMatch(
      /--status <status>[\s\S]*--since <when>[\s\S]*--limit <n>[\s\S]*--json/,
    );
    expect(await help(['inbox', 'show'])).toContain('--json');
    expect(await help(['inbox', 'reprocess'])).toMatch(/\[id\][\s\S]*--status <status>/);
  });
});

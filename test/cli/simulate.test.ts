/**
 * parley simulate: in this process (a `runParley` in sandbox mode on a temporary data directory) the
 * report counts every attendee's conversation and welcome once; with --check-in and --reply each
 * attendee's answer reaches parley as a signed HighLevel webhook and is stored. With --url it targets
 * a running parley, and fails naming the URL when none answers there.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { CliError } from '../../src/cli/cli-error.js';
import { formatReport, runSimulate, simulate } from '../../src/cli/commands/simulate.js';
import { startInProcessParley } from './in-process-parley.js';

/** A wide burst window keeps the tests fast; the default paces at HighLevel's 100 per 10 s. */
const BURST = { limit: 1_000, intervalMs: 1_000 };
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A port with nothing listening: bind, note it, close. */
async function freeUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

function capture(env: NodeJS.ProcessEnv) {
  let out = '';
  return {
    io: {
      env,
      write: (text: string) => {
        out += text;
      },
    },
    output: () => out,
  };
}

/** One in-process run of 20 attendees, shared by the tests that read its report. */
let inProcessRun: ReturnType<typeof simulate> | undefined;
const inProcessReport = () => {
  inProcessRun ??= simulate({ attendees: 20, timeoutMs: 60_000, burst: BURST });
  return inProcessRun;
};

it('welcomes each of 20 attendees run in this process once, without failures', async () => {
  const report = await inProcessReport();
  expect(report.mode).toBe('in-process');
  expect(report.timedOut).toBe(false);
  expect(report.attendees).toHaveLength(20);
  expect(report.conversations).toBe(20);
  expect(report.welcomes).toBe(20);
  expect(report.deadLetters).toBe(0);
  expect(new Set(report.attendees.map((a) => a.contactId)).size).toBe(20);
});

it('reports a call transcript to review', async () => {
  const report = await inProcessReport();
  expect(report.transcript?.text.length).toBeGreaterThan(0);
});

it('prints the report for a person to read', async () => {
  const report = await inProcessReport();
  const text = formatReport(report);
  expect(text).toContain('attendees registered: 20');
  expect(text).toContain('welcome messages:     20');
  expect(text).toContain('failures (dead jobs): 0');
  expect(text).toContain(`call transcript to review (message ${report.transcript?.messageId})`);
});

it('simulate --attendees 5 --check-in --reply "2 please" --json on a fresh data directory stores every reply without failures', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'parley-simulate-fresh-'));
  dirs.push(dir);
  const run = capture({ PARLEY_DATA_DIR: join(dir, 'data') });
  const code = await runSimulate({ attendees: 5, checkIn: true, reply: '2 please', json: true, timeout: 90 }, run.io, {
    burst: BURST,
  });
  const report = JSON.parse(run.output());
  expect(report).toMatchObject({ mode: 'in-process', welcomes: 5, preferencesStored: 5, deadLetters: 0 });
  expect(report.checkInMessages).toBe(5);
  expect(report.repliesProcessed).toBe(5);
  expect(report.attendees).toHaveLength(5);
  for (const attendee of report.attendees) {
    expect(Object.keys(attendee).sort()).toEqual([
      'attendeeId',
      'contactId',
      'conversationId',
      'email',
      'welcomeMessageId',
    ]);
    expect(Object.values(attendee).every((value) => typeof value === 'string' && value !== '')).toBe(true);
  }
  expect(code).toBe(0);
});

it('refuses a non-positive attendee count, naming the option', async () => {
  await expect(simulate({ attendees: 0 })).rejects.toThrow('--attendees must be a whole number >= 1, got 0');
});

it('refuses an empty reply, naming the option', async () => {
  await expect(simulate({ attendees: 1, reply: '  ' })).rejects.toThrow('--reply must be the text');
});

it('fails naming the --url when nothing listens there', async () => {
  const nothing = await freeUrl();
  const refused = await simulate({ attendees: 1, url: nothing }).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(CliError);
  expect((refused as CliError).exitCode).not.toBe(0);
  expect((refused as CliError).message).toContain(`nothing answers at ${nothing}`);
});

it('fails naming the --url when what answers there is not a parley in sandbox mode', async () => {
  const other = createServer((_req, res) => {
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  try {
    await expect(simulate({ attendees: 1, url })).rejects.toThrow(
      `--url: ${url} answers GET /sandbox-info with 404, not as a parley in sandbox mode`,
    );
  } finally {
    await new Promise((resolve) => other.close(resolve));
  }
});

it('simulates against a running parley in sandbox mode through its own sandboxes', async () => {
  const parley = await startInProcessParley('sqlite');
  try {
    const info = (await (await fetch(`${parley.url}/sandbox-info`)).json()) as Record<string, unknown>;
    expect(Object.keys(info).sort()).toEqual(['accelevents', 'highlevel']);

    const report = await simulate({
      attendees: 2,
      checkIn: true,
      reply: '1',
      url: parley.url,
      env: parley.env,
      timeoutMs: 60_000,
    });
    expect(report.mode).toBe('server');
    expect(report.timedOut).toBe(false);
    expect(report).toMatchObject({ welcomes: 2, checkInMessages: 2, repliesProcessed: 2, preferencesStored: 2 });
    expect(report.deadLetters).toBe(0);
    const contactIds = report.attendees.map((a) => a.contactId).filter((id): id is string => id !== null);
    const stored = await parley.store.db
      .selectFrom('preferences')
      .select(['contact_id', 'value'])
      .where('key', '=', 'updates')
      .where('contact_id', 'in', contactIds)
      .execute();
    expect(stored.map((row) => row.value)).toEqual(['keynote', 'keynote']);
  } finally {
    await parley.stop();
  }
});

/**
 * parley simulate in-process (no parley answers at --url): both sandboxes, a temp store and the real
 * pipeline over HTTP; the report counts every registered attendee's conversation and welcome once.
 * And against a running parley in sandbox mode, found through its /sandbox-info.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { formatReport, simulate } from '../../src/cli/commands/simulate.js';
import { createLogger } from '../../src/logging/create-logger.js';
import { runParley } from '../../src/server/run-parley.js';

/** A port with nothing listening: bind, note it, close. */
async function freeUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

it('runs 20 attendees in-process and reports 20 conversations, 20 welcomes, no failures and a call transcript', async () => {
  // A wide burst window keeps the test fast; the default paces at HighLevel's 100 per 10 s.
  const report = await simulate({
    attendees: 20,
    url: await freeUrl(),
    timeoutMs: 30_000,
    burst: { limit: 1_000, intervalMs: 1_000 },
  });
  expect(report.mode).toBe('in-process');
  expect(report.timedOut).toBe(false);
  expect(report.registered).toBe(20);
  expect(report.conversations).toBe(20);
  expect(report.welcomeMessages).toBe(20);
  expect(report.deadJobs).toEqual({ count: 0, errors: [] });
  expect(report.links).toHaveLength(10);
  expect(new Set(report.links.map((l) => l.contactId)).size).toBe(10);
  expect(report.transcript?.text.length).toBeGreaterThan(0);

  const text = formatReport(report);
  expect(text).toContain('attendees registered: 20');
  expect(text).toContain('welcome messages:     20');
  expect(text).toContain('failures (dead jobs): 0');
  expect(text).toContain(`call transcript to review (message ${report.transcript?.messageId})`);
});

it('refuses a non-positive attendee count, naming the option', async () => {
  await expect(simulate({ attendees: 0, url: 'http://127.0.0.1:1' })).rejects.toThrow(
    '--attendees must be a whole number >= 1, got 0',
  );
});

it('runs against a parley in sandbox mode through its /sandbox-info, which carries no webhook URL', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'parley-simulate-server-'));
  const processEnv = {
    PARLEY_DATA_DIR: join(dir, 'data'),
    PARLEY_MASTER_KEY: randomBytes(32).toString('base64'),
  };
  const stop = new AbortController();
  let banner = '';
  let running: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    running = resolve;
  });
  const parley = runParley({
    http: true,
    worker: true,
    logger: createLogger({ level: 'silent' }),
    env: { port: 0, host: '127.0.0.1', sandboxPort: 0 },
    processEnv,
    cwd: dir,
    write: (text) => {
      banner += text;
    },
    stop: stop.signal,
    onRunning: running,
  });
  try {
    await Promise.race([started, parley]);
    const url = banner.match(/running on (http:\/\/\S+)/)![1]!;
    const info = (await (await fetch(`${url}/sandbox-info`)).json()) as Record<string, unknown>;
    expect(Object.keys(info).sort()).toEqual(['accelevents', 'highlevel']);

    const report = await simulate({ attendees: 3, url, env: processEnv, timeoutMs: 30_000 });
    expect(report.mode).toBe('server');
    expect(report.timedOut).toBe(false);
    expect(report.welcomeMessages).toBe(3);
    expect(report.deadJobs.count).toBe(0);
  } finally {
    stop.abort();
    await parley;
    await rm(dir, { recursive: true, force: true });
  }
});

/**
 * `parley start` as a real process on a fresh data directory: it migrates the SQLite store, serves
 * health and readiness, starts the sandbox with a working token, and stops cleanly on SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/parley.js', import.meta.url).pathname;

describe('parley start', () => {
  const dirs: string[] = [];
  const running: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of running.splice(0)) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  /** Runs `parley start` on a fresh data directory until it prints its "try:" hint; answers what it printed. */
  async function startParley() {
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-start-'));
    dirs.push(dataDir);
    const child = spawn(process.execPath, [BIN, 'start'], {
      env: { ...process.env, PORT: '0', PARLEY_SANDBOX_PORT: '0', PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    });
    running.push(child);
    let out = '';
    child.stderr.on('data', (d) => (out += d));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('try: ')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`start exited early (${code}): ${out}`)));
    });
    const app = out.match(/running on (http:\/\/\S+)/)![1];
    const sandbox = out.match(/HighLevel sandbox on (http:\/\/\S+)/)![1];
    const token = out.match(/sandbox token: (\S+)/)![1];
    const location = out.match(/sample location (\w+)/)![1];
    return { child, out, dataDir, app, sandbox, token, location };
  }

  it('passes both health checks on a fresh SQLite data directory', async () => {
    const { dataDir, app } = await startParley();
    expect(await (await fetch(`${app}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${app}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'sqlite' } });
    expect(await readdir(dataDir)).toContain('parley.db');
  });

  it('starts the HighLevel sandbox with a working token', async () => {
    const { sandbox, token, location } = await startParley();
    const search = await fetch(`${sandbox}/conversations/search?locationId=${location}`, {
      headers: { Authorization: `Bearer ${token}`, Version: '2021-04-15' },
    });
    expect(search.status).toBe(200);
  });

  it('welcomes an attendee registered in the Accelevents sandbox', async () => {
    const { out, sandbox, token, location } = await startParley();
    // The whole flow on a first run: an attendee registered in the Accelevents sandbox reaches parley by
    // webhook, and the worker creates the HighLevel conversation with a welcome message.
    const accelevents = out.match(/Accelevents sandbox on (http:\/\/[\d.:]+)\/rest/)![1];
    const registered = await fetch(`${accelevents}/sandbox/accelevents/attendees`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        eventUrl: 'parley-spring-summit',
        firstName: 'Grace',
        lastName: 'Hopper',
        email: 'grace.start@example.com',
        phoneNumber: '+14155550777',
      }),
    });
    expect(registered.status).toBeLessThan(300);
    let conversation: { lastMessageBody?: string } | undefined;
    for (let i = 0; i < 100 && !conversation?.lastMessageBody; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const found = await fetch(
        `${sandbox}/conversations/search?locationId=${location}&query=grace.start@example.com`,
        {
          headers: { Authorization: `Bearer ${token}`, Version: '2021-04-15' },
        },
      );
      conversation = ((await found.json()) as { conversations: { lastMessageBody?: string }[] }).conversations[0];
    }
    expect(conversation?.lastMessageBody).toContain('Grace');
  });

  it('exits 0 on SIGTERM', async () => {
    const { child } = await startParley();
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses to start with a clear error naming a bad PORT', async () => {
    const child = spawn(process.execPath, [BIN, 'start'], { env: { ...process.env, PORT: 'eighty' } });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(err).toContain('PORT');
  });
});

/**
 * `parley start|serve|worker` as real processes: sandboxes only in sandbox mode and only on loopback,
 * /sandbox-info without the webhook secret, one webhook URL kept across restarts (on both databases),
 * a bad config file ending startup at once, and SIGTERM stopping a process that is still starting.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/create-logger.js';
import { openDatabase, type Store } from '../../src/store/open-database.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { freePort, listening, newMasterKey, type ParleyProcess, spawnParley } from './parley-process.js';

const SUMMIT = 'parley-spring-summit';
const running: ParleyProcess[] = [];
const dirs: string[] = [];

function start(args: string[], env: NodeJS.ProcessEnv, cwd?: string): ParleyProcess {
  const parley = spawnParley(args, { LOG_LEVEL: 'info', ...env }, cwd);
  running.push(parley);
  return parley;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-start-modes-'));
  dirs.push(dir);
  return dir;
}

async function stopCleanly(parley: ParleyProcess): Promise<void> {
  parley.child.kill('SIGTERM');
  expect(await parley.exited()).toEqual({ code: 0, signal: null });
}

function registration(barcode: string) {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ topic: 'attendee.registered', barcode, eventUrl: SUMMIT, email: `${barcode}@example.com` }),
  };
}

const WEBHOOK_URL = /Accelevents webhook URL: +(http:\/\/\S+\/hooks\/accelevents\/([A-Za-z0-9_-]+))/;

afterEach(() => {
  for (const parley of running.splice(0)) parley.kill();
});
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('parley start with a live HighLevel target', () => {
  /** Starts parley against a live HighLevel target with both sandbox ports set; waits for its worker. */
  async function startLive() {
    const cwd = await tempDir();
    await writeFile(join(cwd, 'parley.config.yaml'), 'highlevel:\n  target: live\n  clientId: live-app-1\n');
    const [highlevelPort, acceleventsPort] = [await freePort(), await freePort()];
    const parley = start(
      ['start'],
      {
        PORT: '0',
        PARLEY_SANDBOX_PORT: String(highlevelPort),
        PARLEY_ACCELEVENTS_SANDBOX_PORT: String(acceleventsPort),
        PARLEY_DATA_DIR: join(cwd, 'data'),
        PARLEY_MASTER_KEY: newMasterKey(),
        HIGHLEVEL_CLIENT_SECRET: 'live-secret-not-used',
      },
      cwd,
    );
    await parley.waitFor(/worker: running/);
    const app = parley.output().match(/running on (http:\/\/\S+)/)![1]!;
    return { parley, app, highlevelPort, acceleventsPort };
  }

  it('starts no sandbox', async () => {
    const { parley, app, highlevelPort, acceleventsPort } = await startLive();
    expect(parley.output()).toContain('HighLevel target: live');
    expect(parley.output()).not.toMatch(/sandbox on http/);
    expect(await listening('127.0.0.1', highlevelPort)).toBe(false);
    expect(await listening('127.0.0.1', acceleventsPort)).toBe(false);
    expect((await fetch(`${app}/sandbox-info`)).status).toBe(404);
    await stopCleanly(parley);
  });

  // Live mode drops the sandboxes, not the intake.
  it('takes a delivery at the printed webhook URL', async () => {
    const { parley } = await startLive();
    const url = parley.output().match(WEBHOOK_URL)![1]!;
    expect((await fetch(url, registration('LIVE-1'))).status).toBe(202);
    await stopCleanly(parley);
  });
});

/** A non-loopback address of this machine, to prove a server is not reachable from outside. */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;

describe('parley start with the sandbox target and HOST=0.0.0.0', () => {
  let parley: ParleyProcess;
  let app: string;
  beforeAll(async () => {
    const dir = await tempDir();
    parley = spawnParley(
      ['start'],
      {
        LOG_LEVEL: 'info',
        HOST: '0.0.0.0',
        PORT: '0',
        PARLEY_SANDBOX_PORT: '0',
        PARLEY_DATA_DIR: join(dir, 'data'),
        PARLEY_MASTER_KEY: newMasterKey(),
      },
      dir,
    );
    await parley.waitFor(/worker: running/);
    app = parley.output().match(/running on (http:\/\/\S+)/)![1]!;
  });
  afterAll(async () => {
    await stopCleanly(parley);
  });

  it('serves /sandbox-info with the sandbox URLs only', async () => {
    const secret = parley.output().match(WEBHOOK_URL)![2]!;
    const res = await fetch(`${app}/sandbox-info`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(secret);
    expect(JSON.parse(text)).toEqual({
      highlevel: { url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), locationId: expect.any(String) },
      accelevents: { url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/rest$/) },
    });
  });

  it.skipIf(outsideAddress === undefined)(
    'binds both sandboxes to loopback only, while parley itself answers on every interface',
    async () => {
      const ports = [...parley.output().matchAll(/sandbox on http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
      expect(ports).toHaveLength(2);
      const parleyPort = Number(new URL(app).port);
      expect(await listening(outsideAddress!, parleyPort)).toBe(true);
      for (const port of ports) {
        expect(await listening('127.0.0.1', port)).toBe(true);
        expect(await listening(outsideAddress!, port)).toBe(false);
      }
    },
  );
});

for (const kind of DATABASE_KINDS) {
  describe(`parley start restarted on the same data [${kind}]`, () => {
    let database: TestDatabase | undefined;
    beforeAll(async () => {
      if (kind === 'postgres') database = await openTestDatabase('postgres');
    });
    afterAll(async () => {
      await database?.dispose();
    });

    it('keeps the Accelevents webhook URL: the URL printed before the restart takes a delivery (202)', async () => {
      const dir = await tempDir();
      const dataDir = join(dir, 'data');
      const env = {
        PORT: String(await freePort()),
        PARLEY_SANDBOX_PORT: '0',
        PARLEY_DATA_DIR: dataDir,
        PARLEY_MASTER_KEY: newMasterKey(),
        ...(database?.location.databaseUrl ? { DATABASE_URL: database.location.databaseUrl } : {}),
      };
      const first = start(['start'], env, dir);
      const [, before, secret] = await first.waitFor(WEBHOOK_URL);
      await first.waitFor(/worker: running/);
      await stopCleanly(first);

      const second = start(['start'], env, dir);
      const [, after] = await second.waitFor(WEBHOOK_URL);
      await second.waitFor(/worker: running/);
      expect(after).toBe(before);
      expect((await fetch(before!, registration(`RESTART-${kind}`))).status).toBe(202);
      await stopCleanly(second);

      // The secret is shown only in the banner line, once per start, and never stored in plaintext.
      for (const run of [first, second]) expect(run.output().split(secret!).length - 1).toBe(1);
      const store = database?.store ?? (await openSqlite(dataDir));
      try {
        const settings = await store.db.selectFrom('settings').select(['key', 'value']).execute();
        expect(settings.map((s) => s.key)).toEqual(
          expect.arrayContaining(['accelevents.webhook_secret_sha256', 'accelevents.webhook_secret_enc']),
        );
        expect(JSON.stringify(settings)).not.toContain(secret);
      } finally {
        if (!database) await store.close();
      }
    });
  });
}

function openSqlite(dataDir: string): Promise<Store> {
  return openDatabase({ dataDir, logger: createLogger({ level: 'silent' }), migrate: false });
}

describe('startup with a bad config file', () => {
  for (const command of ['start', 'serve', 'worker']) {
    /** Runs `parley <command>` with a misspelt key on line 4 of the config file; waits for it to end. */
    async function startWithBadConfig() {
      const cwd = await tempDir();
      await writeFile(
        join(cwd, 'parley.config.yaml'),
        'features:\n  - registration-welcome\nrefresh:\n  marginSecond: 600\n',
      );
      const sandboxPort = await freePort();
      const parley = start(
        [command],
        {
          PORT: '0',
          PARLEY_SANDBOX_PORT: String(sandboxPort),
          PARLEY_DATA_DIR: join(cwd, 'data'),
        },
        cwd,
      );
      const { code } = await parley.exited(15_000);
      return { cwd, parley, code, sandboxPort };
    }

    it(`ends \`parley ${command}\` at once with exit code 2, naming the bad key at file:line:col`, async () => {
      const { parley, code } = await startWithBadConfig();
      expect(code).toBe(2);
      expect(parley.output()).toContain('parley.config.yaml:4:3 refresh.marginSecond: unknown key');
    });

    it(`creates nothing when \`parley ${command}\` ends on a bad config file`, async () => {
      const { cwd, sandboxPort } = await startWithBadConfig();
      expect(await listening('127.0.0.1', sandboxPort)).toBe(false);
      // No first-run setup happened: no data directory, so no master key was made for a broken start.
      expect(await readdir(cwd)).toEqual(['parley.config.yaml']);
    });
  }
});

describe('signals during startup', () => {
  it('stops `parley start` on SIGTERM while it is still waiting for its database, with exit code 0', async () => {
    // A "database" that accepts connections and never answers: startup hangs on it.
    const sockets: Socket[] = [];
    let connected: () => void = () => {};
    const reached = new Promise<void>((resolve) => {
      connected = resolve;
    });
    const blackHole = createServer((socket) => {
      sockets.push(socket);
      connected();
    });
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const address = blackHole.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const dir = await tempDir();
      const parley = start(
        ['start'],
        {
          PORT: '0',
          PARLEY_SANDBOX_PORT: '0',
          PARLEY_DATA_DIR: join(dir, 'data'),
          PARLEY_MASTER_KEY: newMasterKey(),
          DATABASE_URL: `postgres://parley:parley@127.0.0.1:${port}/parley`,
        },
        dir,
      );
      await reached;
      parley.child.kill('SIGTERM');
      // Well inside the 10 s PostgreSQL connect timeout: the stop did not wait for the database.
      expect(await parley.exited(8_000)).toEqual({ code: 0, signal: null });
      expect(parley.output()).not.toContain('running on');
      expect(parley.output()).not.toContain('database_unreachable');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => blackHole.close(resolve));
    }
  });
});

/**
 * The refresh storm, on SQLite and on PostgreSQL: 2 processes × 50 concurrent callers against the
 * sandbox with 2-second access tokens and single-use refresh tokens
 * (src/sandbox/highlevel/token-store.ts), for PARLEY_STORM_SECONDS (default 15: with a refresh due
 * about every second that is some fifteen expiry windows, each one met by all 100 callers at once, which
 * is the race; a longer soak adds more windows of the same race, e.g. PARLEY_STORM_SECONDS=60).
 *
 * What proves "exactly one token call per expiry window": every successful refresh grant produced
 * an access token some caller received (distinct tokens handed out, minus the initial one, equal the
 * refresh grants), and no two refreshes used the same refresh token, which the sandbox would have
 * refused with invalid_grant (zero rejections). Every API call succeeding proves every caller always
 * got a valid token.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileChild } from '../helpers/compiled-child.js';
import { DATABASE_KINDS, type DatabaseKind, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { openConnectionStack, TEST_MASTER_KEY } from './fixtures/open-connections.js';
import { saveLocationGrant } from './fixtures/sandbox-connections.js';

const SECONDS = Number(process.env.PARLEY_STORM_SECONDS ?? '15');
const WORKERS = 2;
const CALLERS = 50;
const TTL_SECONDS = 2;
/**
 * A token is handed out only while it has more than this left, so this is also how long an API call
 * may take to reach the sandbox before the token expires in flight. On 2 busy cores (sandbox, two
 * workers, PostgreSQL, and the suite's other test files) single calls were measured at 300–800 ms,
 * so 500 ms would make 401s a matter of luck; 1 s keeps a margin over them and still gives one
 * refresh every second.
 */
const MARGIN_MS = 1_000;
/**
 * Each caller pauses this long between calls: the 100 callers still meet every expiry together, but
 * the machine is not driven flat out for the whole run. Override with PARLEY_STORM_PAUSE_MS.
 */
const PAUSE_MS = Number(process.env.PARLEY_STORM_PAUSE_MS ?? '100');
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKER = fileURLToPath(new URL('./fixtures/storm-worker.ts', import.meta.url));

// The worker compiled once, so its four starts run on plain node (test/helpers/compiled-child.ts).
let compiledWorker: string | undefined;
beforeAll(async () => {
  compiledWorker = await compileChild(WORKER);
});
afterAll(async () => {
  if (compiledWorker) await rm(dirname(compiledWorker), { recursive: true, force: true });
});

interface WorkerReport {
  calls: number;
  ok: number;
  unauthorized: number;
  otherStatus: Record<string, number>;
  tokenErrors: Record<string, number>;
  maxTokenMs: number;
  maxCallMs: number;
  tokenDigests: string[];
}

interface Worker {
  ready: Promise<void>;
  go(): void;
  done: Promise<WorkerReport>;
}

function startWorker(env: Record<string, string>): Worker {
  if (compiledWorker === undefined) throw new Error('the storm worker is compiled in beforeAll');
  const child = spawn(process.execPath, [compiledWorker], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.startsWith('ready\n')) markReady();
  });
  const done = new Promise<WorkerReport>((resolve, reject) => {
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !last.startsWith('{')) {
        reject(new Error(`storm worker exited ${code}: ${stderr.slice(0, 2000)}`));
      } else {
        resolve(JSON.parse(last) as WorkerReport);
      }
    });
  });
  // A worker that dies before `ready` fails the test instead of hanging it.
  void done.catch(() => markReady());
  return { ready, go: () => child.stdin.end('go\n'), done };
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

function runStorm(kind: DatabaseKind): void {
  describe(`refresh storm [${kind}]`, () => {
    let database: TestDatabase;
    let handle: SandboxHandle;
    beforeAll(async () => {
      database = await openTestDatabase(kind);
      handle = await withSandbox({
        accessTokenTtlSeconds: TTL_SECONDS,
        // The storm measures refresh safety, not HighLevel's 100-per-10-s limit.
        burstLimit: 10_000_000,
        dailyLimit: 100_000_000,
      });
    });
    afterAll(async () => {
      await handle?.close();
      await database?.dispose();
    });

    it(
      `${WORKERS} processes × ${CALLERS} callers for ${SECONDS} s: one refresh per expiry window, no invalid_grant, no 401`,
      async () => {
        const { repository } = await openConnectionStack(database.store, { baseUrl: handle.url });
        const saved = await saveLocationGrant(repository, handle.sandbox);
        const env = {
          STORM_SECONDS: String(SECONDS),
          STORM_CALLERS: String(CALLERS),
          STORM_MARGIN_MS: String(MARGIN_MS),
          STORM_PAUSE_MS: String(PAUSE_MS),
          // Every refresh re-reads the vault's active key id inside the refresh lock (the default
          // caches it for 2 s), the case in which a refresh once gave up its SQLite lock early.
          STORM_ACTIVE_KEY_CACHE_MS: '0',
          STORM_SANDBOX_URL: handle.url,
          STORM_CONNECTION_ID: saved.connection.id,
          STORM_LOCATION_ID: saved.locationId,
          STORM_MASTER_KEY: TEST_MASTER_KEY.toString('base64'),
          ...(database.location.databaseUrl
            ? { STORM_DATABASE_URL: database.location.databaseUrl }
            : { STORM_DATA_DIR: database.location.dataDir! }),
        };
        const workers = Array.from({ length: WORKERS }, () => startWorker(env));
        await Promise.all(workers.map((w) => w.ready));
        for (const worker of workers) worker.go();
        const reports = await Promise.all(workers.map((w) => w.done));

        const refreshes = handle.sandbox.stats.tokenGrants.refresh_token ?? 0;
        const calls = reports.reduce((sum, r) => sum + r.calls, 0);
        const handedOut = new Set(reports.flatMap((r) => r.tokenDigests));
        handedOut.delete(digest(saved.accessToken));
        const windows = SECONDS / (TTL_SECONDS - MARGIN_MS / 1000);
        console.log(
          `refresh storm [${kind}]: ${SECONDS} s, ${WORKERS}×${CALLERS} callers, ${refreshes} refreshes ` +
            `(at most ${Math.floor(windows) + 2} windows), ${calls} API calls, ${Math.round(calls / SECONDS)} calls/s, ` +
            `slowest getAccessToken ${Math.max(...reports.map((r) => r.maxTokenMs))} ms, ` +
            `slowest API call ${Math.max(...reports.map((r) => r.maxCallMs))} ms`,
        );

        expect(reports.map((r) => r.tokenErrors)).toEqual(reports.map(() => ({})));
        expect(handle.sandbox.stats.tokenGrantsRejected).toEqual({});
        expect(reports.map((r) => r.unauthorized)).toEqual(reports.map(() => 0));
        expect(reports.map((r) => r.otherStatus)).toEqual(reports.map(() => ({})));
        expect(reports.every((r) => r.ok === r.calls && r.calls > 0)).toBe(true);
        expect(handedOut.size).toBe(refreshes);
        expect(refreshes).toBeGreaterThan(0);
        expect(refreshes).toBeLessThanOrEqual(windows + 2);
        const record = await repository.get(saved.connection.id);
        expect(record).toMatchObject({ status: 'ok', version: saved.connection.version + refreshes });
      },
      (SECONDS + 90) * 1000,
    );
  });
}

for (const kind of DATABASE_KINDS) runStorm(kind);

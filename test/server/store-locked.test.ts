/**
 * A database another connection has locked must not freeze parley. SQLite: a second process holds
 * the file's write lock; /healthz keeps answering, a read-only bearer call succeeds (it writes nothing
 * on the request path), /readyz says the store is busy, and all is ready once the lock is released.
 * PostgreSQL: another session locks api_tokens against writes; a bearer read still answers.
 */
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SQLITE_FILE_NAME } from '../../src/store/sqlite-dialect.js';
import { holdSqliteWriteLock, type LockHolder } from '../store/sqlite-lock-holder.js';
import { type RunningParley, startServe } from './running-parley.js';

/** Settles with the response, or rejects after `boundMs` (a bound on a hang, not a timing assertion). */
function answered(request: Promise<Response>, what: string, boundMs = 15_000): Promise<Response> {
  return Promise.race([
    request,
    new Promise<Response>((_resolve, reject) =>
      setTimeout(() => reject(new Error(`${what} got no answer within ${boundMs} ms`)), boundMs).unref(),
    ),
  ]);
}

describe('parley serve while another process holds the SQLite write lock [sqlite]', () => {
  let parley: RunningParley | undefined;
  let holder: LockHolder | undefined;
  afterEach(async () => {
    if (holder && holder.child.exitCode === null) holder.child.kill();
    await parley?.stop();
  });

  /** parley serve and a bearer token of it, then another process takes the SQLite write lock. */
  async function servedWhileLocked() {
    const running = await startServe('sqlite');
    parley = running;
    const token = await running.token();
    const lock = holdSqliteWriteLock(join(running.dataDir ?? '', SQLITE_FILE_NAME));
    holder = lock;
    await lock.locked;
    return { parley: running, url: running.url, token, holder: lock };
  }

  it('keeps /healthz answering while the lock is held', async () => {
    const { url, holder } = await servedWhileLocked();
    const health = await answered(fetch(`${url}/healthz`), '/healthz');
    expect(health.status).toBe(200);
    expect(holder.isReleased()).toBe(false);
  });

  it('serves a read-only bearer call while the lock is held', async () => {
    const { url, token, holder } = await servedWhileLocked();
    const readResponse = await answered(
      fetch(`${url}/api/conversations`, { headers: token.headers }),
      'the bearer read',
    );
    expect(readResponse.status).toBe(200);
    expect(await readResponse.json()).toMatchObject({ items: [] });
    expect(holder.isReleased()).toBe(false);
  });

  it('says busy on /readyz while the lock is held', async () => {
    const { url, holder } = await servedWhileLocked();
    const busy = await answered(fetch(`${url}/readyz`), '/readyz');
    expect(busy.status).toBe(503);
    expect(await busy.json()).toMatchObject({ status: 'not_ready', checks: { database: 'busy' } });
    expect(holder.isReleased()).toBe(false);
  });

  it('is ready once the lock is released', async () => {
    const { url, holder } = await servedWhileLocked();
    holder.release();
    await holder.released;
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'sqlite' } });
  });

  it('records the use of a token read while the lock was held, once it is released', async () => {
    const { parley, url, token, holder } = await servedWhileLocked();
    const read = await answered(fetch(`${url}/api/conversations`, { headers: token.headers }), 'the bearer read');
    expect(read.status).toBe(200);
    holder.release();
    await holder.released;
    const again = await fetch(`${url}/api/conversations`, { headers: token.headers });
    expect(again.status).toBe(200);
    // The token's use was noted, and written once the lock was gone.
    const store = parley.store;
    await vi.waitFor(
      async () => {
        const row = await store.db
          .selectFrom('api_tokens')
          .select('last_used_at')
          .where('id', '=', token.id)
          .executeTakeFirstOrThrow();
        expect(row.last_used_at).not.toBeNull();
      },
      { timeout: 15_000, interval: 100 },
    );
  });
});

describe('parley serve while another session locks api_tokens against writes [postgres]', () => {
  let parley: RunningParley | undefined;
  let locker: pg.Client | undefined;
  afterEach(async () => {
    await locker?.query('rollback').catch(() => undefined);
    await locker?.end().catch(() => undefined);
    await parley?.stop();
  });

  /** parley serve, then a bearer read while another session holds api_tokens locked against writes. */
  async function readWhileLocked() {
    const running = await startServe('postgres');
    parley = running;
    const token = await running.token();
    const session = new pg.Client({ connectionString: running.databaseUrl ?? '' });
    locker = session;
    await session.connect();
    await session.query('begin');
    // EXCLUSIVE lets reads through and holds every insert, update and delete.
    await session.query('lock table api_tokens in exclusive mode');
    const read = await answered(
      fetch(`${running.url}/api/conversations`, { headers: token.headers }),
      'the bearer read',
    );
    return { parley: running, token, locker: session, read };
  }

  it('answers a read-only bearer call while the lock is held, its use not yet written', async () => {
    const { parley, token, read } = await readWhileLocked();
    expect(read.status).toBe(200);
    const beforeRelease = await parley.store.db
      .selectFrom('api_tokens')
      .select('last_used_at')
      .where('id', '=', token.id)
      .executeTakeFirstOrThrow();
    expect(beforeRelease.last_used_at).toBeNull();
  });

  it('records the use of a bearer call once the lock is released', async () => {
    const { parley, token, locker } = await readWhileLocked();
    await locker.query('commit');
    const store = parley.store;
    await vi.waitFor(
      async () => {
        const row = await store.db
          .selectFrom('api_tokens')
          .select('last_used_at')
          .where('id', '=', token.id)
          .executeTakeFirstOrThrow();
        expect(row.last_used_at).not.toBeNull();
      },
      { timeout: 15_000, interval: 100 },
    );
  });
});

/**
 * One dedicated LISTEN connection per worker process on PostgreSQL: each NOTIFY on the jobs channel
 * (sent by the queue inside the enqueuing transaction, so only committed jobs are announced) wakes
 * this process's workers through its JobWakeups.
 *
 * A pooled connection cannot LISTEN (it is handed to other queries and returned), so this is its own
 * pg.Client. When it drops, the workers keep polling (the fallback) while it reconnects with capped
 * exponential backoff; after each reconnect every worker is woken once, because notifications sent
 * while it was away are not replayed (https://www.postgresql.org/docs/current/sql-listen.html).
 */
import pg from 'pg';
import { type Logger, silentLogger } from '../lib/create-logger.js';
import { redactDatabaseUrl } from '../store/redact-database-url.js';
import { JOBS_CHANNEL, type JobWakeups } from './job-wakeups.js';
import { QueueError } from './queue-error.js';

export interface PostgresListenerOptions {
  databaseUrl: string;
  wakeups: JobWakeups;
  logger?: Logger;
  /** Reconnect backoff: the first wait, doubled per failed attempt up to maxMs. Default 250 ms → 10 s. */
  reconnect?: { initialMs?: number; maxMs?: number };
  /** Shown in pg_stat_activity. Default `parley-listener`. */
  applicationName?: string;
}

export interface PostgresListener {
  /** True while LISTEN is in place. */
  readonly connected: boolean;
  /** Resolves when LISTEN is first in place (start-up does not wait for it: polling covers the gap). */
  readonly ready: Promise<void>;
  /** Ends the connection and stops reconnecting. Safe to call more than once. */
  close(): Promise<void>;
}

const DEFAULT_RECONNECT = { initialMs: 250, maxMs: 10_000 } as const;

export function startPostgresListener(options: PostgresListenerOptions): PostgresListener {
  const { databaseUrl, wakeups } = options;
  if (typeof databaseUrl !== 'string' || !/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    throw new QueueError('invalid_argument', 'startPostgresListener needs databaseUrl: a postgres:// URL');
  }
  if (wakeups === undefined || typeof wakeups.notify !== 'function') {
    throw new QueueError('invalid_argument', 'startPostgresListener needs wakeups: the queue’s JobWakeups');
  }
  const logger = (options.logger ?? silentLogger()).child({ name: 'job-listener' });
  const initialMs = options.reconnect?.initialMs ?? DEFAULT_RECONNECT.initialMs;
  const maxMs = options.reconnect?.maxMs ?? DEFAULT_RECONNECT.maxMs;
  const where = redactDatabaseUrl(databaseUrl);

  let client: pg.Client | undefined;
  let connected = false;
  let closed = false;
  let failures = 0;
  let everConnected = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  async function connect(): Promise<void> {
    retryTimer = undefined;
    if (closed) return;
    const next = new pg.Client({
      connectionString: databaseUrl,
      application_name: options.applicationName ?? 'parley-listener',
    });
    client = next;
    next.on('notification', (message) => {
      if (message.channel === JOBS_CHANNEL) wakeups.notify(message.payload ? [message.payload] : null);
    });
    next.on('error', (error) => lost(next, error));
    next.on('end', () => lost(next, new Error('connection ended')));
    try {
      await next.connect();
      await next.query(`LISTEN ${JOBS_CHANNEL}`);
    } catch (error) {
      lost(next, error);
      return;
    }
    if (closed || client !== next) {
      next.end().catch(() => {});
      return;
    }
    connected = true;
    failures = 0;
    logger.info({ url: where, channel: JOBS_CHANNEL }, everConnected ? 'job listener reconnected' : 'job listener on');
    // Whatever was enqueued while nobody listened is claimed now rather than at the next poll.
    if (everConnected) wakeups.notify(null);
    everConnected = true;
    markReady();
  }

  function lost(which: pg.Client, error: unknown): void {
    if (client !== which) return; // an older client's late event
    client = undefined;
    connected = false;
    which.removeAllListeners('notification');
    which.on('error', () => {}); // a dead client may still report; nobody listens to it any more
    which.end().catch(() => {});
    if (closed) return;
    const delayMs = Math.min(maxMs, initialMs * 2 ** failures);
    failures++;
    logger.warn(
      { url: where, err: error instanceof Error ? error.message : String(error), retryInMs: delayMs },
      'job listener lost its connection; workers poll until it is back',
    );
    retryTimer = setTimeout(() => void connect(), delayMs);
    retryTimer.unref();
  }

  void connect();

  return {
    get connected() {
      return connected;
    },
    ready,
    async close() {
      if (closed) return;
      closed = true;
      connected = false;
      clearTimeout(retryTimer);
      const last = client;
      client = undefined;
      if (last) {
        last.on('error', () => {});
        await last.end().catch(() => {});
      }
    },
  };
}

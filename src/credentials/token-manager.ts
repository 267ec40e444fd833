/**
 * Access tokens for HighLevel connections, refreshed before they expire, one refresh at a time per
 * connection within this process (one shared promise per connection) and across processes (the row
 * lock in refresh-connection.ts): HighLevel refresh tokens are single-use, so two concurrent refreshes
 * would burn the grant.
 *
 * A fresh token is read and decrypted without any lock. `pit` tokens never expire and never refresh
 * (https://marketplace.gohighlevel.com/docs/Authorization/PrivateIntegrationsToken). A connection in
 * `needs_reconnect` throws at once and never reaches HighLevel, so a dead grant cannot turn into a
 * retry loop. Logs carry ids, outcomes and durations; never a token.
 *
 * The HighLevel client asks for a location's token before every call. Reading the connection and
 * its token row and decrypting it each time cost two database round trips per call, a third of a
 * welcome's statements on PostgreSQL (docs/benchmarks.md, scale). So `tokenSource` keeps a fresh
 * token per location for `cacheMs` (default 5 s), and never past the point where it would need a
 * refresh. A forced refresh (after a 401) drops the entry first. The cost: a connection disabled or
 * re-keyed by another process is still used for up to `cacheMs`; HighLevel then answers 401 for a
 * revoked token, and the client's forced refresh reads the row again.
 */
import type { HighLevelTokenClient } from '../highlevel/oauth/token-client-types.js';
import { type Logger, silentLogger } from '../lib/create-logger.js';
import type { Store } from '../store/open-database.js';
import { ConnectionError } from './connection-error.js';
import type { ConnectionRecords } from './connection-repository.js';
import { type RefreshAttempt, refreshRound } from './refresh-connection.js';
import type { RefreshContext } from './refresh-context.js';
import { isSandboxConnection } from './sandbox-mark.js';
import { assertUsable, isFresh, readAccessToken } from './token-row-checks.js';
import { listDueForRefresh, readTokenRow, recordRefreshFailure } from './token-rows.js';
import type { TokenSource } from './types.js';

export interface TokenManagerOptions {
  store: Pick<Store, 'db' | 'dialect'>;
  /** From createConnectionRepository: the manager writes refreshed tokens through its vault. */
  repository: ConnectionRecords;
  tokenClient: HighLevelTokenClient;
  now?: () => number;
  /** Refresh when the token expires within this many ms (config `refresh.marginSeconds`). */
  marginMs: number;
  logger?: Logger;
  /** How long `tokenSource` reuses a location's fresh token without reading the database; 0 turns it off. */
  cacheMs?: number;
}

export interface TokenManager {
  /** A valid access token; `forceRefresh` (after a 401) replaces the stored one unless another caller already did. */
  getAccessToken(connectionId: string, options?: { forceRefresh?: boolean }): Promise<string>;
  /** For the HighLevel client: finds the location's connection and gets its token. */
  tokenSource(): TokenSource;
  /** Refreshes every 'ok' OAuth and location-token connection expiring within the margin. */
  refreshDue(): Promise<{ refreshed: number; failed: number }>;
  /** Runs `refreshDue` now and every `intervalMs` on an unref'd timer; returns stop. */
  startRefresher(intervalMs: number): () => void;
}

/** Rounds of one flight: a sibling's rotation or a refused agency token each earn one more look. */
const MAX_ROUNDS = 3;

export function createTokenManager(options: TokenManagerOptions): TokenManager {
  const { store, repository, tokenClient, marginMs } = options;
  if (!store?.db || (store.dialect !== 'sqlite' && store.dialect !== 'postgres')) {
    throw new TypeError('createTokenManager: `store` ({ db, dialect } from openDatabase) is required');
  }
  if (!repository?.secrets) {
    throw new TypeError('createTokenManager: `repository` must come from createConnectionRepository');
  }
  if (typeof tokenClient?.refresh !== 'function' || typeof tokenClient.locationToken !== 'function') {
    throw new TypeError('createTokenManager: `tokenClient` (from createHighLevelTokenClient) is required');
  }
  if (typeof marginMs !== 'number' || !Number.isFinite(marginMs) || marginMs < 0) {
    throw new TypeError(`createTokenManager: marginMs must be a number of ms >= 0, got ${marginMs}`);
  }
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger();
  const { db, dialect } = store;
  const { secrets } = repository;
  const flights = new Map<string, Promise<string>>();
  /**
   * Each connection's latest refresh, numbered in the order refreshes started. A forced caller (its
   * token got a 401) whose call began before a refresh that has since finished takes that refresh's
   * token instead of starting another: on a slow machine its row read can come after the refresh
   * committed, and the newer version it then sees says nothing about the token that failed.
   */
  const latest = new Map<string, { number: number; flight: Promise<string> }>();
  let refreshesStarted = 0;
  const cacheMs = options.cacheMs ?? 5_000;
  if (!Number.isFinite(cacheMs) || cacheMs < 0) {
    throw new TypeError(`createTokenManager: cacheMs must be a number of ms >= 0, got ${cacheMs}`);
  }
  /** Location id ('' for "the one connected location") → a fresh token and until when it may be reused. */
  const byLocation = new Map<string, { token: string; until: number }>();

  const context: RefreshContext = {
    db,
    dialect,
    secrets,
    tokenClient,
    now,
    marginMs,
    logger,
    parentToken: (parentId, forceRefresh) => getAccessToken(parentId, { forceRefresh }),
  };

  async function runFlight(id: string, request: { seenVersion: number; forced: boolean }): Promise<string> {
    const started = now();
    const attempt: RefreshAttempt = { calledHighLevel: false, forceParent: false };
    try {
      for (let round = 1; round <= MAX_ROUNDS; round++) {
        const result = await refreshRound(context, id, request, attempt);
        if (result.kind === 'token') {
          const fields = {
            connectionId: id,
            outcome: result.outcome,
            forced: request.forced,
            durationMs: now() - started,
          };
          if (result.outcome === 'refreshed') logger.info(fields, 'token refreshed');
          else logger.debug(fields, 'token already refreshed by another caller');
          return result.token;
        }
      }
      throw new ConnectionError(
        'refresh_failed',
        `Connection ${id} kept changing while refreshing (${MAX_ROUNDS} rounds); try again`,
        { connectionId: id },
      );
    } catch (error) {
      const code = error instanceof ConnectionError ? error.code : 'error';
      if (attempt.calledHighLevel && (code === 'refresh_failed' || code === 'needs_reconnect')) {
        // At most one count per failing refresh, however many rounds it took (Nango counts per day).
        await recordRefreshFailure(db, id, now()).catch((e: unknown) =>
          logger.error({ connectionId: id, err: (e as Error).message }, 'could not record the refresh failure'),
        );
      }
      logger.warn({ connectionId: id, outcome: 'failed', code, durationMs: now() - started }, 'token refresh failed');
      throw error;
    }
  }

  async function getAccessToken(id: string, options: { forceRefresh?: boolean } = {}) {
    return (await tokenWithLifetime(id, options)).token;
  }

  /** The token, and until when it stays fresh without a refresh (0: do not reuse it). */
  async function tokenWithLifetime(
    id: string,
    { forceRefresh = false }: { forceRefresh?: boolean },
  ): Promise<{ token: string; freshUntil: number }> {
    const startedBefore = refreshesStarted;
    const row = await readTokenRow(db, id, { forUpdate: false });
    assertUsable(row, id);
    if (row.kind === 'pit' || (!forceRefresh && isFresh(row, now(), marginMs))) {
      const freshUntil =
        row.kind === 'pit' || row.expiresAt === null ? Number.POSITIVE_INFINITY : row.expiresAt - marginMs;
      return { token: await readAccessToken(secrets, row), freshUntil };
    }
    return { token: await refreshFlight(id, row.version, forceRefresh, startedBefore), freshUntil: 0 };
  }

  /** `startedBefore`: how many refreshes had started when the caller's call began. */
  function refreshFlight(
    id: string,
    seenVersion: number,
    forceRefresh: boolean,
    startedBefore: number,
  ): Promise<string> {
    let flight = flights.get(id);
    if (!flight) {
      const last = latest.get(id);
      if (forceRefresh && last && last.number > startedBefore) return last.flight;
      const started = runFlight(id, { seenVersion, forced: forceRefresh });
      flight = started.finally(() => {
        if (flights.get(id) === flight) flights.delete(id);
      });
      flights.set(id, flight);
      latest.set(id, { number: ++refreshesStarted, flight });
    }
    return flight;
  }

  async function connectionFor(locationId: string | null) {
    if (locationId !== null) {
      const found = await repository.findHighLevelForLocation(locationId);
      if (found) return found;
      const skipped = (await repository.list({ provider: 'highlevel' })).some(
        (c) => c.locationId === locationId && isSandboxConnection(c),
      );
      throw new ConnectionError(
        'no_connection',
        `No HighLevel connection for location ${locationId}${skipped ? ' (its connection was made against the sandbox, which the live target ignores)' : ''}: connect it with \`parley connect highlevel\` (OAuth) or \`parley connect highlevel --pit --location ${locationId}\``,
      );
    }
    const candidates = (await repository.list({ provider: 'highlevel', callable: true })).filter(
      (c) => c.locationId !== null,
    );
    if (candidates.length === 1) return candidates[0]!;
    throw new ConnectionError(
      'no_connection',
      candidates.length === 0
        ? 'No HighLevel location is connected: connect one with `parley connect highlevel`'
        : `This call names no location and ${candidates.length} locations are connected (${candidates.map((c) => c.locationId).join(', ')}); pass the locationId`,
    );
  }

  async function refreshDue() {
    const due = await listDueForRefresh(db, now() + marginMs);
    let refreshed = 0;
    let failed = 0;
    for (const { id } of due) {
      try {
        await getAccessToken(id);
        refreshed++;
      } catch {
        failed++; // logged by the flight; the next run tries again unless it needs a reconnect
      }
    }
    return { refreshed, failed };
  }

  return {
    getAccessToken,
    tokenSource: () => ({
      getAccessToken: async ({ locationId, forceRefresh }) => {
        const key = locationId ?? '';
        const at = now();
        if (forceRefresh) byLocation.delete(key);
        else {
          const cached = byLocation.get(key);
          if (cached && at < cached.until) return cached.token;
        }
        const { token, freshUntil } = await tokenWithLifetime((await connectionFor(locationId)).id, { forceRefresh });
        const until = Math.min(at + cacheMs, freshUntil);
        if (until > at) byLocation.set(key, { token, until });
        else byLocation.delete(key);
        return token;
      },
    }),
    refreshDue,
    startRefresher(intervalMs) {
      if (!(typeof intervalMs === 'number' && intervalMs > 0)) {
        throw new TypeError(`startRefresher: intervalMs must be > 0, got ${intervalMs}`);
      }
      let running = false;
      const tick = async () => {
        if (running) return;
        running = true;
        try {
          const counts = await refreshDue();
          if (counts.refreshed + counts.failed > 0) logger.info(counts, 'background refresh ran');
        } catch (error) {
          logger.error({ err: (error as Error).message }, 'background refresh could not run');
        } finally {
          running = false;
        }
      };
      const timer = setInterval(tick, intervalMs);
      timer.unref();
      void tick();
      return () => clearInterval(timer);
    },
  };
}

/**
 * One refresh of one connection, safe across processes (docs/operations.md, Several processes):
 *
 * 1. Read the row and decrypt what the refresh needs (the refresh token, or the agency's token for a
 *    location token) outside any transaction.
 * 2. In one transaction: lock the row (PostgreSQL `FOR UPDATE`; SQLite's `begin immediate` write
 *    lock), re-read it, and if another process already replaced the token, stop and use theirs.
 *    Otherwise call HighLevel and persist the new pair with a version compare-and-swap before
 *    anyone sees the token.
 * 3. On `invalid_grant`, mark `needs_reconnect` inside that same transaction. The lock proves the
 *    version is unchanged (no sibling rotated or reconnected), so the grant is really dead. Marking
 *    after a rollback instead would race a reconnect queued on the row lock: PostgreSQL hands a row
 *    freed by an aborted transaction to whichever statement touches it first, not to the queued
 *    one, so the outcome would depend on scheduling. A reconnect that was waiting lands after the mark
 *    and sets the connection back to `ok` with its new tokens.
 *
 * The new tokens are encrypted inside the transaction, and the vault reads its key table through
 * it: on SQLite the store has one connection, which the transaction holds. Giving up the lock for
 * that read would let a waiting process read the spent refresh token, get invalid_grant and mark a
 * live connection needs_reconnect (test/credentials/refresh-storm.test.ts).
 */
import type { Kysely } from 'kysely';
import { OAuthError } from '../highlevel/oauth/oauth-error.js';
import type { TokenGrant } from '../highlevel/oauth/token-client-types.js';
import type { Database } from '../store/schema.js';
import { ConnectionError } from './connection-error.js';
import type { RefreshContext } from './refresh-context.js';
import { assertUsable, describeAccount, isFresh, readAccessToken } from './token-row-checks.js';
import { markNeedsReconnect, readTokenRow, type TokenRow, writeRefreshedTokens } from './token-rows.js';

/** Per flight: what has been tried, so nothing is tried twice and a failure is counted once. */
export interface RefreshAttempt {
  calledHighLevel: boolean;
  forceParent: boolean;
}

export type RoundResult = { kind: 'token'; token: string; outcome: 'refreshed' | 'already_fresh' } | { kind: 'again' };

export const INVALID_GRANT_REASON =
  'HighLevel rejected the refresh token (invalid_grant): reconnect with `parley connect highlevel`';

interface Sealed {
  accessTokenEnc: string;
  refreshTokenEnc?: string;
}

type Credential = { kind: 'refresh'; refreshToken: string } | { kind: 'agency'; accessToken: string };

export async function refreshRound(
  ctx: RefreshContext,
  id: string,
  request: { seenVersion: number; forced: boolean },
  attempt: RefreshAttempt,
): Promise<RoundResult> {
  const pre = await readTokenRow(ctx.db, id, { forUpdate: false });
  assertUsable(pre, id);
  const alreadyDone = request.forced ? pre.version !== request.seenVersion : isFresh(pre, ctx.now(), ctx.marginMs);
  if (alreadyDone || pre.kind === 'pit') {
    return { kind: 'token', token: await readAccessToken(ctx.secrets, pre), outcome: 'already_fresh' };
  }
  const credential = await prepareCredential(ctx, pre, attempt);

  let result:
    | { kind: 'moved'; row: TokenRow | null }
    | { kind: 'refreshed'; token: string }
    | { kind: 'dead'; cause: OAuthError };
  try {
    result = await ctx.db.transaction().execute(async (trx) => {
      const row = await readTokenRow(trx, id, { forUpdate: ctx.dialect === 'postgres' });
      if (row?.status !== 'ok' || row.version !== pre.version) return { kind: 'moved', row } as const;
      const startedAt = ctx.now();
      attempt.calledHighLevel = true;
      let grant: TokenGrant;
      try {
        grant = await callHighLevel(ctx, row, credential);
      } catch (error) {
        if (!isDeadGrant(error, row)) throw error;
        // Still under the lock, so the version compare cannot fail; it guards the invariant anyway.
        const mark = { id, expectedVersion: row.version, reason: INVALID_GRANT_REASON, now: ctx.now() };
        if (!(await markNeedsReconnect(trx, mark))) throw error;
        return { kind: 'dead', cause: error } as const;
      }
      // Counted from before the call, so our expiry is never later than HighLevel's.
      const expiresAt = grant.expiresIn === null ? null : startedAt + grant.expiresIn * 1000;
      const sealed = await sealGrant(ctx, trx, id, grant);
      await writeRefreshedTokens(trx, {
        id,
        expectedVersion: row.version,
        ...sealed,
        expiresAt,
        scopes: grant.scopes,
        now: ctx.now(),
      });
      return { kind: 'refreshed', token: grant.accessToken } as const;
    });
  } catch (error) {
    return handleFailure(pre, attempt, error);
  }

  if (result.kind === 'refreshed') return { kind: 'token', token: result.token, outcome: 'refreshed' };
  if (result.kind === 'dead') {
    throw new ConnectionError(
      'needs_reconnect',
      `HighLevel connection ${pre.id}${describeAccount(pre)} needs reconnecting: ${INVALID_GRANT_REASON}`,
      { connectionId: pre.id, cause: result.cause },
    );
  }
  // The row moved between our first read and the lock: another process refreshed or reconnected it.
  const row = result.row;
  assertUsable(row, id);
  if (request.forced || isFresh(row, ctx.now(), ctx.marginMs)) {
    return { kind: 'token', token: await readAccessToken(ctx.secrets, row), outcome: 'already_fresh' };
  }
  return { kind: 'again' };
}

async function prepareCredential(ctx: RefreshContext, row: TokenRow, attempt: RefreshAttempt): Promise<Credential> {
  if (row.kind === 'location_token') {
    if (!row.parentId || !row.companyId || !row.locationId) {
      throw new ConnectionError(
        'needs_reconnect',
        `Location token connection ${row.id} lacks its agency connection, company or location; reconnect the agency with \`parley connect highlevel --user-type Company\``,
        { connectionId: row.id },
      );
    }
    return { kind: 'agency', accessToken: await ctx.parentToken(row.parentId, attempt.forceParent) };
  }
  const refreshToken = await ctx.secrets.decrypt(row.id, 'refresh_token_enc', row.refreshTokenEnc);
  if (refreshToken === null) {
    throw new ConnectionError(
      'needs_reconnect',
      `HighLevel connection ${row.id}${describeAccount(row)} has no refresh token stored; reconnect with \`parley connect highlevel\``,
      { connectionId: row.id },
    );
  }
  return { kind: 'refresh', refreshToken };
}

function callHighLevel(ctx: RefreshContext, row: TokenRow, credential: Credential): Promise<TokenGrant> {
  if (credential.kind === 'agency') {
    return ctx.tokenClient.locationToken({
      agencyAccessToken: credential.accessToken,
      companyId: row.companyId!,
      locationId: row.locationId!,
    });
  }
  return ctx.tokenClient.refresh({ refreshToken: credential.refreshToken, userType: row.userType ?? 'Location' });
}

async function sealGrant(ctx: RefreshContext, trx: Kysely<Database>, id: string, grant: TokenGrant): Promise<Sealed> {
  const accessTokenEnc = await ctx.secrets.encrypt(id, 'access_token_enc', grant.accessToken, trx);
  // No new refresh token (a location token never has one): the stored one stays.
  if (grant.refreshToken === null) return { accessTokenEnc };
  return {
    accessTokenEnc,
    refreshTokenEnc: await ctx.secrets.encrypt(id, 'refresh_token_enc', grant.refreshToken, trx),
  };
}

function isDeadGrant(error: unknown, row: TokenRow): error is OAuthError {
  return error instanceof OAuthError && error.code === 'invalid_grant' && row.kind === 'oauth';
}

function handleFailure(pre: TokenRow, attempt: RefreshAttempt, error: unknown): RoundResult {
  if (!(error instanceof OAuthError)) throw error;
  if (error.code === 'forbidden' && pre.kind === 'location_token' && !attempt.forceParent) {
    // The agency token was refused (revoked or expired early): refresh the agency once and mint again.
    attempt.forceParent = true;
    return { kind: 'again' };
  }
  throw new ConnectionError(
    'refresh_failed',
    `Refreshing HighLevel connection ${pre.id}${describeAccount(pre)} failed (${error.code}); the stored tokens are unchanged: ${error.message}`,
    { connectionId: pre.id, cause: error },
  );
}

/**
 * What the token manager decides from a row before and after taking the lock: can this connection
 * give out a token at all, is its token fresh beyond the margin, and the decrypted token itself.
 */
import { ConnectionError } from './connection-error.js';
import type { SecretCipher } from './secret-cipher.js';
import type { TokenRow } from './token-rows.js';

/** What a refused connection says, so a caller sees the reason and the fix, not just a code. */
export function assertUsable(row: TokenRow | null, id: string): asserts row is TokenRow {
  if (!row) throw new ConnectionError('not_found', `No connection with id ${id}`, { connectionId: id });
  if (row.status === 'needs_reconnect') {
    throw new ConnectionError(
      'needs_reconnect',
      `HighLevel connection ${id}${describeAccount(row)} needs reconnecting: ${row.statusReason ?? 'it was marked needs_reconnect'}`,
      { connectionId: id },
    );
  }
  if (row.status === 'disabled') {
    throw new ConnectionError(
      'disabled',
      `Connection ${id}${describeAccount(row)} is disabled${row.statusReason ? `: ${row.statusReason}` : ''}`,
      { connectionId: id },
    );
  }
  if (row.kind === 'api_key') {
    throw new ConnectionError(
      'wrong_kind',
      `Connection ${id} is an Accelevents API key, not a HighLevel token; read it with readSecrets`,
      { connectionId: id },
    );
  }
}

export function describeAccount(row: Pick<TokenRow, 'locationId' | 'companyId'>): string {
  if (row.locationId) return ` (location ${row.locationId})`;
  if (row.companyId) return ` (company ${row.companyId})`;
  return '';
}

/** Fresh: no expiry (PIT), or expiring later than `marginMs` from now. */
export function isFresh(row: Pick<TokenRow, 'expiresAt'>, now: number, marginMs: number): boolean {
  return row.expiresAt === null || row.expiresAt - now > marginMs;
}

export async function readAccessToken(secrets: SecretCipher, row: TokenRow): Promise<string> {
  const token = await secrets.decrypt(row.id, 'access_token_enc', row.accessTokenEnc);
  if (token === null) {
    throw new ConnectionError(
      'needs_reconnect',
      `HighLevel connection ${row.id}${describeAccount(row)} has no access token stored; reconnect with \`parley connect highlevel\``,
      { connectionId: row.id },
    );
  }
  return token;
}

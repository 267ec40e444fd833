/** What one refresh needs from the token manager that runs it (refresh-connection.ts). */
import type { Kysely } from 'kysely';
import type { HighLevelTokenClient } from '../highlevel/oauth/token-client-types.js';
import type { Logger } from '../lib/create-logger.js';
import type { DialectName } from '../store/open-database.js';
import type { Database } from '../store/schema.js';
import type { SecretCipher } from './secret-cipher.js';

export interface RefreshContext {
  db: Kysely<Database>;
  dialect: DialectName;
  secrets: SecretCipher;
  tokenClient: HighLevelTokenClient;
  now: () => number;
  marginMs: number;
  logger: Logger;
  /** The agency connection's access token, refreshed if due (or forced), for minting a location token. */
  parentToken(parentId: string, forceRefresh: boolean): Promise<string>;
}

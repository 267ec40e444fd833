/**
 * The connections contract: connected accounts and their tokens. Records never expose
 * secrets; secrets are read through `readSecrets` and are encrypted by the vault at rest.
 */
export type Provider = 'highlevel' | 'accelevents';

/**
 * - `oauth`: HighLevel OAuth (Location or Company), with a rotating single-use refresh token.
 * - `pit`: HighLevel Private Integration Token; static, never refreshed.
 * - `location_token`: minted from an agency `oauth` connection via POST /oauth/locationToken; it has no
 *   refresh token, so it is renewed by minting again with the (refreshed) agency token.
 * - `api_key`: Accelevents API key.
 */
export type ConnectionKind = 'oauth' | 'pit' | 'location_token' | 'api_key';

export type ConnectionStatus = 'ok' | 'needs_reconnect' | 'disabled';

export interface Connection {
  id: string;
  provider: Provider;
  kind: ConnectionKind;
  /** 'location:<id>' | 'company:<id>' | 'accelevents:<base url>'; unique. */
  accountKey: string;
  label: string;
  userType: 'Location' | 'Company' | null;
  locationId: string | null;
  companyId: string | null;
  parentId: string | null;
  scopes: string[];
  status: ConnectionStatus;
  statusReason: string | null;
  /** Epoch ms; null for tokens that do not expire (PIT, API key). */
  expiresAt: number | null;
  lastRefreshAt: number | null;
  /** Refresh failures counted today (UTC), at most one per failing refresh cycle. */
  refreshFailuresToday: number;
  /** Non-secret provider settings, e.g. Accelevents base URL and auth header presets. */
  settings: Record<string, unknown>;
  version: number;
  createdAt: number;
  updatedAt: number;
}

export interface ConnectionSecrets {
  accessToken?: string;
  refreshToken?: string;
  apiKey?: string;
}

export interface SaveConnectionInput {
  provider: Provider;
  kind: ConnectionKind;
  accountKey: string;
  label: string;
  userType?: 'Location' | 'Company' | null;
  locationId?: string | null;
  companyId?: string | null;
  parentId?: string | null;
  scopes: string[];
  expiresAt?: number | null;
  settings?: Record<string, unknown>;
  secrets: ConnectionSecrets;
}

export interface ConnectionRepository {
  /** Creates, or replaces the connection with the same accountKey (reconnect), status 'ok'. */
  save(input: SaveConnectionInput): Promise<Connection>;
  get(id: string): Promise<Connection | null>;
  /**
   * `callable`: only connections the configured HighLevel target may call with (a live target skips
   * those made against the sandbox, src/credentials/sandbox-mark.ts). Listings leave it off.
   */
  list(filter?: { provider?: Provider; callable?: boolean }): Promise<Connection[]>;
  /**
   * The HighLevel connection acting for this location: a location oauth/pit/location_token connection
   * the configured target may call with.
   */
  findHighLevelForLocation(locationId: string): Promise<Connection | null>;
  findByAccountKey(accountKey: string): Promise<Connection | null>;
  readSecrets(id: string): Promise<ConnectionSecrets>;
  setStatus(id: string, status: ConnectionStatus, reason: string | null): Promise<void>;
  delete(id: string): Promise<void>;
}

/** What the HighLevel client needs: a token for a location, refreshed when asked (after a 401). */
export interface TokenSource {
  getAccessToken(request: { locationId: string | null; forceRefresh: boolean }): Promise<string>;
}

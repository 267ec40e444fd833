/**
 * HighLevel's OAuth endpoints (specs/highlevel/apps/oauth.json): the authorization-code exchange and
 * the refresh grant on POST /oauth/token, agency → location tokens on POST /oauth/locationToken, and
 * GET /oauth/installedLocations. One request each, no retries: the token manager decides what a
 * failure means (a retried refresh with a single-use refresh token could burn the grant; see
 * https://github.com/GoHighLevel/highlevel-api-docs/blob/main/docs/oauth/Authorization.md).
 */
import { fetchWithTimeout } from '../../lib/fetch-with-timeout.js';
import { OAuthError, type OAuthOperation } from './oauth-error.js';
import { oauthErrorFromResponse } from './oauth-error-from-response.js';
import { parseInstalledLocations, parseTokenGrant } from './parse-token-grant.js';
import type { HighLevelTokenClient, TokenGrant } from './token-client-types.js';

export interface HighLevelTokenClientOptions {
  /** e.g. https://services.leadconnectorhq.com, or the sandbox's URL. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  fetch?: typeof globalThis.fetch;
  /** Per request, body included. Default 15 s. */
  timeoutMs?: number;
}

/** The agency endpoints' Version header (oauth.json: get-location-access-token, get-installed-location). */
const AGENCY_API_VERSION = '2021-07-28';
const DEFAULT_TIMEOUT_MS = 15_000;
/** installedLocations pages; the spec gives no maximum, 100 keeps a bulk install to a few calls. */
const PAGE_SIZE = 100;
const MAX_PAGES = 100;

interface Request {
  operationId: OAuthOperation;
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  form?: Record<string, string>;
  bearer?: string;
  version?: string;
  secrets: string[];
}

interface Answer {
  status: number;
  body: unknown;
}

function requireText(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(`createHighLevelTokenClient: ${name} must be a non-empty string`);
  }
  return value;
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, 500);
  }
}

export function createHighLevelTokenClient(options: HighLevelTokenClientOptions): HighLevelTokenClient {
  const baseUrl = requireText('baseUrl', options?.baseUrl).replace(/\/+$/, '');
  try {
    new URL(baseUrl);
  } catch {
    throw new TypeError(`createHighLevelTokenClient: baseUrl must be an absolute URL, got "${baseUrl}"`);
  }
  const clientId = requireText('clientId', options.clientId);
  const clientSecret = requireText('clientSecret (HIGHLEVEL_CLIENT_SECRET)', options.clientSecret);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw new TypeError('createHighLevelTokenClient: fetch must be a function');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new TypeError(`createHighLevelTokenClient: timeoutMs must be > 0, got ${timeoutMs}`);

  async function send(request: Request): Promise<Answer> {
    const url = new URL(baseUrl + request.path);
    for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (request.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (request.bearer) headers.authorization = `Bearer ${request.bearer}`;
    if (request.version) headers.version = request.version;
    const fetched = await fetchWithTimeout(
      fetchImpl,
      url,
      {
        method: request.method,
        headers,
        body: request.form ? new URLSearchParams(request.form).toString() : undefined,
      },
      { timeoutMs },
    );
    if (!fetched.ok) {
      const { operationId } = request;
      if (fetched.timedOut) {
        throw new OAuthError('timeout', `HighLevel ${operationId} gave no answer within ${timeoutMs} ms`, {
          operationId,
        });
      }
      // The cause is kept for its errno code; it never holds the form body (undici does not copy it).
      const code = (fetched.cause as { cause?: { code?: unknown } })?.cause?.code;
      const why = typeof code === 'string' ? code : 'network error';
      throw new OAuthError('network_error', `HighLevel ${operationId} could not be reached (${why})`, {
        operationId,
        cause: fetched.cause,
      });
    }
    const responseHeaders = fetched.response.headers;
    const answer: Answer = { status: fetched.response.status, body: parseBody(fetched.bytes.toString('utf8')) };
    if (answer.status < 200 || answer.status >= 300) {
      throw oauthErrorFromResponse({
        ...answer,
        operationId: request.operationId,
        headers: responseHeaders,
        secrets: request.secrets,
      });
    }
    return answer;
  }

  async function tokenGrant(form: Record<string, string>, userType: 'Location' | 'Company'): Promise<TokenGrant> {
    const secrets = [clientSecret, form.code, form.refresh_token].filter((s): s is string => !!s);
    const answer = await send({
      operationId: 'get-access-token',
      method: 'POST',
      path: '/oauth/token',
      form: { client_id: clientId, client_secret: clientSecret, ...form },
      secrets,
    });
    return parseTokenGrant(answer.body, { operationId: 'get-access-token', status: answer.status, userType });
  }

  return {
    exchangeCode({ code, redirectUri, userType }) {
      const form: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: redirectUri };
      if (userType) form.user_type = userType;
      return tokenGrant(form, userType ?? 'Location');
    },

    refresh({ refreshToken, userType }) {
      return tokenGrant({ grant_type: 'refresh_token', refresh_token: refreshToken, user_type: userType }, userType);
    },

    async locationToken({ agencyAccessToken, companyId, locationId }) {
      const answer = await send({
        operationId: 'get-location-access-token',
        method: 'POST',
        path: '/oauth/locationToken',
        form: { companyId, locationId },
        bearer: agencyAccessToken,
        version: AGENCY_API_VERSION,
        secrets: [agencyAccessToken, clientSecret],
      });
      return parseTokenGrant(answer.body, {
        operationId: 'get-location-access-token',
        status: answer.status,
        userType: 'Location',
        locationId,
        companyId,
      });
    },

    async installedLocations({ agencyAccessToken, companyId, appId }) {
      const found: { locationId: string; name: string }[] = [];
      for (let page = 0; page < MAX_PAGES; page++) {
        const answer = await send({
          operationId: 'get-installed-location',
          method: 'GET',
          path: '/oauth/installedLocations',
          query: { companyId, appId, isInstalled: 'true', skip: String(found.length), limit: String(PAGE_SIZE) },
          bearer: agencyAccessToken,
          version: AGENCY_API_VERSION,
          secrets: [agencyAccessToken, clientSecret],
        });
        const { locations, count } = parseInstalledLocations(answer.body, answer.status);
        found.push(...locations);
        if (locations.length === 0 || count === null || found.length >= count) break;
      }
      return found;
    },
  };
}

export { OAuthError } from './oauth-error.js';

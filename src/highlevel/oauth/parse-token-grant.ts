/**
 * Reads HighLevel's 2xx OAuth bodies into our types. The spec marks almost every field optional
 * (GetAccessCodeSuccessfulResponseDto in specs/highlevel/apps/oauth.json: only `userId` required), so
 * only what we cannot work without is demanded: an access token. Anything else missing becomes null.
 */
import { OAuthError, type OAuthOperation } from './oauth-error.js';
import type { TokenGrant } from './token-client-types.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function invalid(operationId: OAuthOperation, status: number, problem: string): OAuthError {
  return new OAuthError('invalid_response', `HighLevel ${operationId} answered HTTP ${status} but ${problem}`, {
    operationId,
    status,
  });
}

/** `scope` is space-separated, as HighLevel grants it (the spec's example). */
export function parseScopes(scope: unknown): string[] {
  return typeof scope === 'string' ? scope.split(/\s+/).filter((s) => s.length > 0) : [];
}

export interface GrantContext {
  operationId: OAuthOperation;
  status: number;
  /** What was asked for, used when the answer leaves userType out (locationToken never sends it). */
  userType: 'Location' | 'Company';
  /** Known from the request (locationToken's form), used when the answer leaves them out. */
  locationId?: string | null;
  companyId?: string | null;
}

export function parseTokenGrant(body: unknown, context: GrantContext): TokenGrant {
  const { operationId, status } = context;
  if (!isRecord(body)) throw invalid(operationId, status, 'the body is not a JSON object');
  const accessToken = text(body.access_token);
  if (accessToken === null) throw invalid(operationId, status, 'the body has no access_token');
  const expiresIn = typeof body.expires_in === 'number' && Number.isFinite(body.expires_in) ? body.expires_in : null;
  const userType = body.userType === 'Company' || body.userType === 'Location' ? body.userType : context.userType;
  const approved = Array.isArray(body.approvedLocations) ? body.approvedLocations : [];
  return {
    accessToken,
    refreshToken: text(body.refresh_token),
    expiresIn,
    scopes: parseScopes(body.scope),
    userType,
    locationId: text(body.locationId) ?? context.locationId ?? null,
    companyId: text(body.companyId) ?? context.companyId ?? null,
    userId: text(body.userId),
    // The spec's example for this boolean is the string "Bearer": only a real `true` counts.
    isBulkInstallation: body.isBulkInstallation === true,
    approvedLocations: approved.filter((id): id is string => typeof id === 'string'),
  };
}

/** GetInstalledLocationsSuccessfulResponseDto: `locations[]` of `{_id, name}`, plus `count`. */
export function parseInstalledLocations(
  body: unknown,
  status: number,
): { locations: { locationId: string; name: string }[]; count: number | null } {
  const operationId = 'get-installed-location';
  if (!isRecord(body)) throw invalid(operationId, status, 'the body is not a JSON object');
  if (body.locations !== undefined && !Array.isArray(body.locations)) {
    throw invalid(operationId, status, 'locations is not an array');
  }
  const locations: { locationId: string; name: string }[] = [];
  for (const item of (body.locations as unknown[] | undefined) ?? []) {
    if (!isRecord(item) || text(item._id) === null) throw invalid(operationId, status, 'a location has no _id');
    locations.push({ locationId: item._id as string, name: typeof item.name === 'string' ? item.name : '' });
  }
  return { locations, count: typeof body.count === 'number' ? body.count : null };
}

/**
 * Starts a HighLevel install: a fresh single-use state and the consent URL
 * `<authorizeUrl>?response_type=code&client_id&redirect_uri&scope&state`, the `/v2/oauth/chooselocation`
 * page, which the sandbox serves too
 * (https://github.com/GoHighLevel/highlevel-api-docs/blob/main/docs/oauth/Authorization.md). Used by
 * GET /oauth/highlevel/start and by `parley connect highlevel`, so both ask for exactly the same thing.
 */
import type { ScopePlan } from '../../features/scope-planner.js';
import type { OAuthStateStore, StateOwner } from './oauth-state-store.js';

export type HighLevelUserType = 'Location' | 'Company';

/** The scopes only an agency (Company) token can hold ("Agency" access in HighLevel's docs/oauth/Scopes.md). */
const AGENCY_SCOPE_PREFIX = 'oauth.';

/**
 * The token type a consent asked for. HighLevel's token request takes `user_type`
 * (specs/highlevel/apps/oauth.json) but the callback carries only `code` and `state`; a request for
 * the agency-only `oauth.*` scopes is, by definition, a request for a Company token, so the stored
 * scopes say which one to ask for.
 */
export function userTypeForScopes(scopes: readonly string[]): HighLevelUserType {
  return scopes.some((s) => s.startsWith(AGENCY_SCOPE_PREFIX)) ? 'Company' : 'Location';
}

export interface BeginConsentInput {
  states: OAuthStateStore;
  authorizeUrl: string;
  clientId: string;
  redirectUri: string;
  /** The planner's minimal set for this user type (planScopes(features, { userType })). */
  plan: ScopePlan;
  /** The console session that started the install (only it may complete it), or the operator's CLI. */
  owner: StateOwner;
}

export interface BeganConsent {
  url: string;
  /** Secret until the browser comes back; the CLI uses it to see whether a callback ran. */
  state: string;
  expiresAt: number;
  scopes: string[];
}

export async function beginConsent(input: BeginConsentInput): Promise<BeganConsent> {
  const scopes = [...input.plan.scopes];
  const { state, expiresAt } = await input.states.create({
    redirectUri: input.redirectUri,
    scopes,
    owner: input.owner,
  });
  // Built by hand so the scope separator is %20, exactly "space-separated" as HighLevel documents it;
  // URLSearchParams would write '+', which only form decoding reads as a space.
  const params: [string, string][] = [
    ['response_type', 'code'],
    ['client_id', input.clientId],
    ['redirect_uri', input.redirectUri],
    ['scope', scopes.join(' ')],
    ['state', state],
  ];
  const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  const base = new URL(input.authorizeUrl);
  const url = `${base.origin}${base.pathname}${base.search ? `${base.search}&` : '?'}${query}`;
  return { url, state, expiresAt, scopes };
}

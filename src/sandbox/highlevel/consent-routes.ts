/**
 * The sandbox's authorization (consent) endpoint
 * (https://github.com/GoHighLevel/highlevel-api-docs/blob/main/docs/oauth/Authorization.md):
 * `GET /v2/oauth/chooselocation?response_type=code&client_id&redirect_uri&scope&state` renders the
 * consent page; `POST` of its form, or `GET` with `&approve=<locationId>` (for scripts and tests),
 * redirects 302 to `redirect_uri?code=…&state=…`. The pre-2026-05-27 path without `/v2` is served
 * too, because the official SDK still builds it.
 *
 * Codes are single-use and expire after 10 minutes (token-store.ts).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { renderConsentError, renderConsentPage } from './consent-page.js';
import type { TokenStore } from './token-store.js';

export interface ConsentDeps {
  tokens: TokenStore;
  clientId: () => string;
  companyId: string;
  locations: () => { id: string; name: string }[];
}

type ConsentParams = Partial<
  Record<'response_type' | 'client_id' | 'redirect_uri' | 'scope' | 'state' | 'approve', string | string[]>
>;

interface ConsentRequest {
  clientId: string;
  redirectUri: string;
  responseType: string;
  scopes: string[];
  state?: string;
}

const PATHS = ['/v2/oauth/chooselocation', '/oauth/chooselocation'];

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The consent request, or the message naming the first field that is wrong. */
function readConsent(params: ConsentParams, clientId: string): ConsentRequest | string {
  const responseType = first(params.response_type);
  const client = first(params.client_id);
  const redirectUri = first(params.redirect_uri);
  const scope = first(params.scope) ?? '';
  const state = first(params.state);
  if (!client) return 'client_id is required';
  if (client !== clientId) return `client_id "${client}" is not a registered app of this sandbox`;
  if (!redirectUri) return 'redirect_uri is required';
  if (!isHttpUrl(redirectUri)) return 'redirect_uri must be an absolute http(s) URL';
  if (responseType !== 'code') return 'response_type must be "code"';
  const scopes = scope.split(/[\s+]+/).filter(Boolean);
  if (scopes.length === 0) return 'scope is required: a space-separated list of scopes';
  return { clientId: client, redirectUri, responseType, scopes, ...(state !== undefined ? { state } : {}) };
}

export function registerConsentRoutes(app: FastifyInstance, deps: ConsentDeps): void {
  const fail = (reply: FastifyReply, message: string) =>
    reply.code(400).type('text/html; charset=utf-8').send(renderConsentError(message));

  const approve = (reply: FastifyReply, consent: ConsentRequest, locationId: string) => {
    if (!deps.locations().some((l) => l.id === locationId)) {
      return fail(reply, `approve must be the id of a sandbox location; "${locationId}" is not one`);
    }
    const code = deps.tokens.issueCode({
      clientId: consent.clientId,
      redirectUri: consent.redirectUri,
      scopes: consent.scopes,
      locationId,
      companyId: deps.companyId,
    });
    const target = new URL(consent.redirectUri);
    target.searchParams.set('code', code);
    if (consent.state !== undefined) target.searchParams.set('state', consent.state);
    return reply.redirect(target.toString(), 302);
  };

  for (const path of PATHS) {
    app.get(path, async (request, reply) => {
      const params = request.query as ConsentParams;
      const consent = readConsent(params, deps.clientId());
      if (typeof consent === 'string') return fail(reply, consent);
      const chosen = first(params.approve);
      if (chosen !== undefined) return approve(reply, consent, chosen);
      const html = renderConsentPage({ action: path, locations: deps.locations(), ...consent });
      return reply.type('text/html; charset=utf-8').send(html);
    });

    app.post(path, async (request, reply) => {
      const params = (request.body ?? {}) as ConsentParams;
      const consent = readConsent(params, deps.clientId());
      if (typeof consent === 'string') return fail(reply, consent);
      const chosen = first(params.approve);
      if (!chosen) return fail(reply, 'approve is required: the id of the location to install the app on');
      return approve(reply, consent, chosen);
    });
  }
}

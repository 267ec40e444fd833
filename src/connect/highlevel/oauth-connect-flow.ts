/**
 * The OAuth install as `parley connect highlevel` runs it: create the consent URL, hand it to the
 * person (or, on the sandbox with `approve`, follow it unattended), and wait for HighLevel to send the
 * browser back. Two ways to receive that callback:
 * - a one-shot listener: a small Fastify app with the same OAuth routes, on the redirect URI's
 *   loopback port (an ephemeral 127.0.0.1 port for the sandbox, which accepts any redirect URI);
 * - the running parley server, when the redirect URI's port is taken or not on this machine: the
 *   state lives in the shared database, so the server's callback completes it, and this side watches
 *   the state being used.
 */
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import type { Kysely } from 'kysely';

import type { ConnectionRepository } from '../../credentials/types.js';
import type { ScopePlan } from '../../features/scope-planner.js';
import type { HighLevelAppConfig } from '../../highlevel/highlevel-settings.js';
import type { HighLevelTokenClient } from '../../highlevel/oauth/token-client-types.js';
import type { Logger } from '../../lib/create-logger.js';
import type { Database } from '../../store/schema.js';
import type { CallbackResult } from './complete-callback.js';
import { HighLevelConnectError } from './connect-error.js';
import { beginConsent, type HighLevelUserType } from './consent-url.js';
import { type CallbackOutcome, registerHighLevelOAuthRoutes } from './oauth-routes.js';
import { createOAuthStateStore } from './oauth-state-store.js';

export const CALLBACK_PATH = '/oauth/highlevel/callback';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const POLL_MS = 250;

export interface OAuthConnectInput {
  config: Pick<HighLevelAppConfig, 'target' | 'authorizeUrl' | 'clientId' | 'redirectUri'>;
  db: Kysely<Database>;
  repository: ConnectionRepository;
  tokenClient: HighLevelTokenClient;
  plan: (userType: HighLevelUserType) => ScopePlan;
  userType: HighLevelUserType;
  /** Default: an ephemeral loopback port for the sandbox, config's redirect URI for live. */
  redirectUri?: string;
  timeoutMs: number;
  /** Sandbox only: approve the consent for this location without a browser. */
  approveLocation?: string;
  logger: Logger;
  fetch?: typeof fetch;
  now?: () => number;
  /** Shown to the person: the URL to open. */
  onConsentUrl: (url: string) => void;
}

/** `server`: connections found in the store after the running server completed the callback. */
export type OAuthConnectResult =
  | (CallbackResult & { via: 'listener' })
  | { via: 'server'; connections: CallbackResult['connections'] };

interface Listener {
  redirectUri: string;
  outcome: Promise<CallbackOutcome>;
  close(): Promise<void>;
}

/** Listens on `target`'s loopback port, or on an ephemeral 127.0.0.1 port when null; null when the port is taken. */
async function startListener(input: OAuthConnectInput, target: URL | null): Promise<Listener | null> {
  let settle: (outcome: CallbackOutcome) => void = () => {};
  const outcome = new Promise<CallbackOutcome>((resolve) => {
    settle = resolve;
  });
  const app = Fastify({
    loggerInstance: input.logger as FastifyBaseLogger,
    // Request logs would carry the callback URL, and with it the authorization code and state.
    logController: new LogController({ disableRequestLogging: true }),
  });
  const states = createOAuthStateStore({ db: input.db, now: input.now });
  // The redirect URI is only known once listening; the routes read it lazily through this object.
  const config = { authorizeUrl: input.config.authorizeUrl, clientId: input.config.clientId, redirectUri: '' };
  await registerHighLevelOAuthRoutes(app, { ...input, config, states, onCallback: settle });
  try {
    const host = target ? target.hostname.replace(/^\[|\]$/g, '') : '127.0.0.1';
    await app.listen({ host, port: target ? Number(target.port || 80) : 0 });
  } catch (error) {
    await app.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') return null;
    throw error;
  }
  const bound = (app.server.address() as AddressInfo).port;
  config.redirectUri = target ? target.toString() : `http://127.0.0.1:${bound}${CALLBACK_PATH}`;
  return { redirectUri: config.redirectUri, outcome, close: () => app.close() };
}

function callbackTimeout(ms: number): HighLevelConnectError {
  return new HighLevelConnectError(
    'callback_timeout',
    `HighLevel did not send the browser back within ${Math.round(ms / 1000)} s. Run the command again; install links expire after 10 minutes.`,
  );
}

function rejectAfter(ms: number): Promise<never> {
  return new Promise((_, reject) => {
    setTimeout(() => reject(callbackTimeout(ms)), ms).unref();
  });
}

/** Follows the sandbox consent URL with `approve`, then the redirect to our callback, like a browser would. */
async function approveInSandbox(url: string, locationId: string, fetchImpl: typeof fetch): Promise<Response> {
  const consent = await fetchImpl(`${url}&approve=${encodeURIComponent(locationId)}`, { redirect: 'manual' });
  const location = consent.headers.get('location');
  if (consent.status !== 302 || !location) {
    const page = await consent.text();
    const alert = /<p role="alert">([^<]*)<\/p>/.exec(page)?.[1] ?? `HTTP ${consent.status}`;
    throw new HighLevelConnectError('consent_denied', `The sandbox consent page refused: ${alert}`);
  }
  return fetchImpl(location, { redirect: 'manual' });
}

export async function runOAuthConnect(input: OAuthConnectInput): Promise<OAuthConnectResult> {
  const fetchImpl = input.fetch ?? globalThis.fetch;
  const now = input.now ?? Date.now;
  const states = createOAuthStateStore({ db: input.db, now: input.now });
  const wanted = input.redirectUri ?? (input.config.target === 'sandbox' ? null : input.config.redirectUri);

  const target = wanted === null ? null : new URL(wanted);
  // A redirect URI elsewhere (another host, another path) can only be the running server's.
  const local = target === null || (LOOPBACK.has(target.hostname) && target.pathname === CALLBACK_PATH);
  const listener = local ? await startListener(input, target) : null;
  const redirectUri = listener?.redirectUri ?? (wanted as string);
  try {
    const startedAt = now();
    const consent = await beginConsent({
      states,
      authorizeUrl: input.config.authorizeUrl,
      clientId: input.config.clientId,
      redirectUri,
      plan: input.plan(input.userType),
      // The operator on the server: the person who finishes it in a browser may not be signed in to the console.
      owner: 'operator',
    });
    input.onConsentUrl(consent.url);
    const approved = input.approveLocation ? approveInSandbox(consent.url, input.approveLocation, fetchImpl) : null;

    if (listener) {
      // The listener reports the outcome before it answers, so an unattended approval has settled it.
      if (approved) await approved;
      const outcome = await Promise.race([listener.outcome, rejectAfter(input.timeoutMs)]);
      if (!outcome.ok) throw outcome.error;
      return { ...outcome.result, via: 'listener' };
    }

    // The running server handles the callback; watch the state being used, then read what it saved.
    const answer = await approved;
    const deadline = startedAt + input.timeoutMs;
    while (!(await states.wasUsed(consent.state))) {
      if (now() >= deadline) throw callbackTimeout(input.timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    if (answer && answer.status !== 200) {
      const alert = /<p role="alert">([^<]*)<\/p>/.exec(await answer.text())?.[1] ?? `HTTP ${answer.status}`;
      throw new HighLevelConnectError('exchange_failed', `parley's callback refused the install: ${alert}`);
    }
    const connections = (await input.repository.list({ provider: 'highlevel' })).filter(
      (c) => c.updatedAt >= startedAt,
    );
    return { via: 'server', connections };
  } finally {
    await listener?.close();
  }
}

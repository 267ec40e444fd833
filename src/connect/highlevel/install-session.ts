/**
 * Who may start a HighLevel install from a browser, and which console session comes back with the
 * callback. Starting needs a signed-in console admin (the session cookie; a bearer token has no
 * session to bind the install to). The state is bound to that session (oauth-state-store.ts).
 *
 * The session cookie is SameSite=Strict, so a browser leaves it off the callback, which arrives by a
 * redirect from HighLevel's site. /start therefore also sets a SameSite=Lax cookie holding the same
 * session id, sent only to the callback path and only for the state's 10 minutes
 * (https://developer.mozilla.org/en-US/docs/Web/HTTP/Cookies#controlling_third-party_cookies_with_samesite).
 * The callback accepts a session only if it is still live and an admin's.
 * Needs `registerConsoleAuth` on the app; without it (the CLI's one-shot listener) nobody may start.
 */
import type { FastifyRequest } from 'fastify';
import type { ConsoleAuthContext } from '../../console/auth/require-role.js';
import { resolveCaller, resolveSession } from '../../console/auth/resolve-caller.js';
import { readCookie, SESSION_COOKIE } from '../../console/auth/session-cookie.js';

export const INSTALL_COOKIE = 'parley_install_session';
/** Where a signed-out browser is sent to sign in: the console only follows `next` to /console pages. */
export const SIGN_IN_PATH = `/console/login?next=${encodeURIComponent('/console/admin/connections')}`;

export type StartDecision =
  | { ok: true; sessionId: string; secureCookies: boolean }
  | { ok: false; status: 302; location: string }
  | { ok: false; status: 401 | 403; error: string; message: string };

function consoleAuthOf(request: FastifyRequest): ConsoleAuthContext | undefined {
  return (request.server as { consoleAuth?: ConsoleAuthContext }).consoleAuth;
}

function wantsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

export async function decideInstallStart(request: FastifyRequest): Promise<StartDecision> {
  const context = consoleAuthOf(request);
  if (context === undefined) {
    return {
      ok: false,
      status: 403,
      error: 'console_required',
      message: 'Start the HighLevel install from the parley console, or run `parley connect highlevel` on the server.',
    };
  }
  const { headers } = request;
  const resolution = await resolveCaller(context.db, headers, context.now());
  if (headers.authorization !== undefined) {
    if (resolution.caller === null) return unauthenticated();
    return {
      ok: false,
      status: 403,
      error: 'session_required',
      message:
        'Starting a HighLevel install needs a console session (sign in at /console/login as an admin); an API token cannot start one.',
    };
  }
  if (resolution.caller === null) {
    return wantsHtml(request) ? { ok: false, status: 302, location: SIGN_IN_PATH } : unauthenticated();
  }
  const { caller } = resolution;
  if (caller.role !== 'admin' || caller.sessionId === undefined) {
    return {
      ok: false,
      status: 403,
      error: 'forbidden',
      message: `Connecting HighLevel needs a console admin; ${caller.email} is signed in as ${caller.role}.`,
    };
  }
  return { ok: true, sessionId: caller.sessionId, secureCookies: context.secureCookies };
}

function unauthenticated(): StartDecision {
  return {
    ok: false,
    status: 401,
    error: 'unauthenticated',
    message: 'Sign in to the parley console as an admin to connect HighLevel.',
  };
}

/** The Lax cookie that brings the session id back to the callback path (see the top of this file). */
export function installCookie(
  sessionId: string,
  options: { path: string; maxAgeSeconds: number; secure: boolean },
): string {
  const parts = [
    `${INSTALL_COOKIE}=${sessionId}`,
    'HttpOnly',
    'SameSite=Lax',
    `Path=${options.path}`,
    `Max-Age=${options.maxAgeSeconds}`,
  ];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearedInstallCookie(path: string): string {
  return `${INSTALL_COOKIE}=; HttpOnly; SameSite=Lax; Path=${path}; Max-Age=0`;
}

/** The live admin sessions a callback request carries (either cookie); none without console auth. */
export async function callbackSessionIds(request: FastifyRequest): Promise<string[]> {
  const context = consoleAuthOf(request);
  if (context === undefined) return [];
  const cookie = request.headers.cookie;
  const candidates = [
    ...new Set([readCookie(cookie, INSTALL_COOKIE), readCookie(cookie, SESSION_COOKIE)].filter(isText)),
  ];
  const live: string[] = [];
  for (const sessionId of candidates) {
    const resolution = await resolveSession(context.db, sessionId, context.now());
    if (resolution.caller?.role === 'admin') live.push(sessionId);
  }
  return live;
}

/** Whether the callback request carries the install cookie (to clear it afterwards). */
export function hasInstallCookie(request: FastifyRequest): boolean {
  return readCookie(request.headers.cookie, INSTALL_COOKIE) !== undefined;
}

function isText(value: string | undefined): value is string {
  return typeof value === 'string' && value !== '';
}

/**
 * `requireRole(...roles)`: the preHandler every `/api` route puts in front of itself. 401 when nobody is
 * calling, 403 for the wrong role, 403 `csrf_failed` when a cookie-authenticated request changes
 * something without the session's `x-csrf-token` (OWASP CSRF Cheat Sheet: SameSite=Strict is defence in
 * depth, not the only defence). Bearer tokens are not sent by browsers on their own, so they need no CSRF.
 * Needs `registerConsoleAuth` on the same or a parent Fastify instance.
 */

import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { type Caller, resolveCaller } from './resolve-caller.js';
import { isRole, type Role } from './roles.js';
import { sameDigest, sha256Hex } from './secret-tokens.js';
import type { TokenUseRecorder } from './token-use-recorder.js';

export interface ConsoleAuthContext {
  db: Kysely<Database>;
  now: () => number;
  /** Whether cookies are marked Secure (served over HTTPS); routes outside the console set cookies too. */
  secureCookies: boolean;
  /** Notes API token use for the later last_used_at write (token-use-recorder.ts). */
  tokenUses?: TokenUseRecorder;
}

declare module 'fastify' {
  interface FastifyInstance {
    consoleAuth: ConsoleAuthContext;
  }
  interface FastifyRequest {
    /** Set by requireRole once the caller is known and allowed. */
    caller: Caller | null;
  }
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function requireRole(...roles: Role[]): preHandlerAsyncHookHandler {
  if (roles.length === 0 || !roles.every(isRole)) {
    throw new TypeError(`requireRole needs one or more of viewer, agent, admin, sponsor; got ${JSON.stringify(roles)}`);
  }
  const allowed = [...roles];
  return async function checkRole(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const context = request.server.consoleAuth as ConsoleAuthContext | undefined;
    if (context === undefined) throw new Error('requireRole used without registerConsoleAuth on this Fastify app');
    const resolution = await resolveCaller(context.db, request.headers, context.now(), context.tokenUses);
    if (resolution.caller === null) {
      await reply.code(401).send({ error: 'unauthenticated' });
      return;
    }
    const caller = resolution.caller;
    if (!allowed.includes(caller.role)) {
      await reply.code(403).send({ error: 'forbidden', required: allowed });
      return;
    }
    if (caller.via === 'session' && MUTATING.has(request.method) && !csrfMatches(request, caller)) {
      await reply.code(403).send({ error: 'csrf_failed', message: 'send the x-csrf-token header given at login' });
      return;
    }
    request.caller = caller;
  };
}

function csrfMatches(request: FastifyRequest, caller: Caller): boolean {
  const header = request.headers['x-csrf-token'];
  if (typeof header !== 'string' || header === '' || caller.csrfTokenSha256 === undefined) return false;
  return sameDigest(sha256Hex(header), caller.csrfTokenSha256);
}

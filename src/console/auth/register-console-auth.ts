/**
 * The console's authentication routes and the context `requireRole` reads:
 *   POST /api/login   `{ email, password }` → session cookie + `{ user, csrfToken }`; 429 + Retry-After when throttled
 *   POST /api/logout  ends the session (cookie callers send x-csrf-token like any change); with a bearer
 *                     token, revokes that token
 *   GET  /api/me      the caller, their permissions, and (for cookie callers) the CSRF token again
 * Plus security headers on `/api` and console responses. Added directly to `app`, not as an
 * encapsulated plugin, so routes registered anywhere in the app can use `requireRole`.
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from '../../lib/create-logger.js';
import type { Database } from '../../store/schema.js';
import { forgetPassedWindows, reserveLoginAttempt, settleSuccessfulLogin } from './login-rate-limit.js';
import { UNUSABLE_HASH, verifyPassword } from './password-hash.js';
import { requireRole } from './require-role.js';
import { ROLE_PERMISSIONS, ROLES } from './roles.js';
import { csrfTokenFor } from './secret-tokens.js';
import { addSecurityHeaders } from './security-headers.js';
import { clearedSessionCookie, sessionCookie } from './session-cookie.js';
import { createSession, DEFAULT_SESSION_TTL_MS, deleteSession } from './sessions.js';
import { createTokenUseRecorder } from './token-use-recorder.js';
import { revokeApiToken } from './user-accounts.js';

export interface ConsoleAuthOptions {
  db: Kysely<Database>;
  /** Mark the cookie Secure; true whenever parley is served over HTTPS. */
  secureCookies: boolean;
  logger: Logger;
  now?: () => number;
  sessionTtlMs?: number;
}

export function registerConsoleAuth(app: FastifyInstance, options: ConsoleAuthOptions): void {
  if (options?.db === undefined)
    throw new TypeError('registerConsoleAuth needs options.db (the store Kysely instance)');
  if (options.logger === undefined) throw new TypeError('registerConsoleAuth needs options.logger');
  if (typeof options.secureCookies !== 'boolean') {
    throw new TypeError('registerConsoleAuth needs options.secureCookies: true behind HTTPS, false for plain HTTP');
  }
  const { db, logger, secureCookies } = options;
  const now = options.now ?? Date.now;
  const ttlMs = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;

  const tokenUses = createTokenUseRecorder({ db, logger });
  app.addHook('onClose', () => tokenUses.close());
  app.decorate('consoleAuth', { db, now, secureCookies, tokenUses });
  app.decorateRequest('caller', null);
  addSecurityHeaders(app);

  app.post('/api/login', async (request, reply) => {
    const credentials = readCredentials(request.body);
    if ('error' in credentials) return reply.code(400).send({ error: 'invalid_body', message: credentials.error });
    const email = credentials.email.trim().toLowerCase();
    const key = { email, ip: request.ip };
    // Reserved before the password hash runs: a check here and a record after it let parallel guesses all through.
    const reservation = await reserveLoginAttempt(db, key, now());
    if (!reservation.allowed) {
      const retryAfter = reservation.retryAfterSeconds;
      return reply
        .code(429)
        .header('retry-after', String(retryAfter))
        .send({ error: 'too_many_attempts', retryAfterSeconds: retryAfter });
    }
    const user = await db
      .selectFrom('users')
      .select(['id', 'email', 'role', 'password_hash'])
      .where('email', '=', email)
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    // An unknown email costs one scrypt too, so response time does not reveal which emails exist.
    const valid = await verifyPassword(credentials.password, user?.password_hash ?? UNUSABLE_HASH);
    if (user === undefined || !valid) {
      await forgetPassedWindows(db, now());
      logger.info({ ip: request.ip }, 'console login failed');
      return reply.code(401).send({ error: 'invalid_credentials', message: 'email or password is wrong' });
    }
    await settleSuccessfulLogin(db, key, reservation);
    const session = await createSession(db, user.id, now(), ttlMs);
    reply.header(
      'set-cookie',
      sessionCookie(session.sessionId, { maxAgeSeconds: Math.floor(ttlMs / 1000), secure: secureCookies }),
    );
    return { user: { email: user.email, role: user.role }, csrfToken: session.csrfToken };
  });

  app.post('/api/logout', { preHandler: requireRole(...ROLES) }, async (request, reply) => {
    if (request.caller?.sessionId !== undefined) await deleteSession(db, request.caller.sessionId);
    // A script logging out means its token should stop working, not just this request.
    if (request.caller?.tokenId !== undefined) await revokeApiToken(db, request.caller.tokenId, now);
    reply.header('set-cookie', clearedSessionCookie(secureCookies));
    return reply.code(204).send();
  });

  app.get('/api/me', { preHandler: requireRole(...ROLES) }, async (request) => {
    const caller = request.caller;
    if (caller === null) throw new Error('requireRole let an unknown caller through');
    return {
      user: { email: caller.email, role: caller.role },
      permissions: ROLE_PERMISSIONS[caller.role],
      via: caller.via,
      ...(caller.sessionId === undefined ? {} : { csrfToken: csrfTokenFor(caller.sessionId) }),
    };
  });
}

function readCredentials(body: unknown): { email: string; password: string } | { error: string } {
  if (typeof body !== 'object' || body === null) return { error: 'body must be a JSON object with email and password' };
  const { email, password } = body as Record<string, unknown>;
  if (typeof email !== 'string' || email.trim() === '') return { error: 'email must be a non-empty string' };
  if (typeof password !== 'string' || password === '') return { error: 'password must be a non-empty string' };
  return { email, password };
}

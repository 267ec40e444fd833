/**
 * Security headers on every `/api` and console response (OWASP HTTP Headers Cheat Sheet): a CSP that
 * allows only our own origin, no MIME sniffing, no referrer leaking conversation URLs, no framing.
 */
import type { FastifyInstance } from 'fastify';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Paths that get the headers: the REST API and the console pages. Webhook intake and health checks do not need them. */
export const SECURED_PREFIXES = ['/api', '/console'] as const;

function isSecured(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  return path === '/' || SECURED_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

export function addSecurityHeaders(app: FastifyInstance): void {
  // onRequest, not onSend: it runs before any handler or 404, so early replies (401, 429) carry them too.
  app.addHook('onRequest', async (request, reply) => {
    if (isSecured(request.url)) reply.headers(SECURITY_HEADERS);
  });
}

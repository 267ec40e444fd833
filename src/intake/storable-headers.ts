/**
 * The request headers worth keeping with an inbox row, minus anything that could be a credential:
 * cookies, authorization, and the header names Accelevents API keys travel in (`Key`, `AUTHENTICATION`;
 * docs/accelevents-assumptions.md), plus any name that says secret, token, password or auth: no secret
 * is stored outside the vault.
 */
import type { HeaderBag } from './map-payload.js';

const DROPPED = new Set([
  'cookie',
  'set-cookie',
  'authorization',
  'proxy-authorization',
  'key',
  'x-api-key',
  'api-key',
]);
const SECRET_LIKE = /secret|token|passw|auth|api[-_]?key|session/i;

export function storableHeaders(headers: HeaderBag): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || DROPPED.has(lower) || SECRET_LIKE.test(lower)) continue;
    kept[lower] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

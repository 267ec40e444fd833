/**
 * No text input of the console (path parameters, query parameters, body fields, at any depth) may hold
 * a NUL byte. PostgreSQL text cannot store one, so a reply carrying it was sent by HighLevel and then
 * failed locally, and a search for one failed outright. Checked once, before any handler runs and so
 * before anything goes upstream: a 400 naming the field.
 */
import type { FastifyInstance } from 'fastify';
import { ConsoleError } from '../console-error.js';

const NUL = '\u0000';

/** The first field holding a NUL, as `where.path` (`body.attachments[0]`), or null. */
export function findNulByte(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes(NUL) ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findNulByte(item, `${path}[${index}]`);
      if (found) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null && !Buffer.isBuffer(value)) {
    for (const [key, item] of Object.entries(value)) {
      const where = `${path}.${key.replaceAll(NUL, '\\u0000')}`;
      if (key.includes(NUL)) return where;
      const found = findNulByte(item, where);
      if (found) return found;
    }
  }
  return null;
}

export function registerNulByteCheck(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const path = request.url.split('?')[0] ?? '';
    if (!(path.startsWith('/api/') || path.startsWith('/console'))) return;
    const found =
      findNulByte(request.params, 'path') ?? findNulByte(request.query, 'query') ?? findNulByte(request.body, 'body');
    if (found === null) return;
    // `field` names the parameter or body field as schema validation does (api-error-handler.ts).
    const field = found.slice(found.indexOf('.') + 1);
    throw new ConsoleError('invalid_request', `${found} must not contain a NUL byte (\\u0000)`, { field });
  });
}

/**
 * The operations the sandbox serves behind bearer auth, with what the pipeline needs to know about each:
 * the 29 conversations operations from the generated catalog, the two contact operations the domain
 * needs (types.ts), and the two Agency-only OAuth operations (specs/highlevel/apps/oauth.json).
 */
import { CONVERSATION_OPERATIONS, OAUTH_OPERATIONS } from '../../highlevel/generated/operations.js';
import { CONTACT_OPERATIONS } from './types.js';

export interface ApiOperation {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** Any one of these scopes suffices; empty means no scope check. */
  scopes: readonly string[];
  /**
   * The spec's `Version` value, or null when the spec declares none (accept any or none). Any version
   * HighLevel supports is accepted where one is required (api-versions.ts); this one is named in errors.
   */
  version: string | null;
  bodyContentType: string | null;
  /**
   * Which token type the route takes. Conversations and contacts routes use the spec's `bearer` /
   * `Location-Access` schemes (Sub-Account token or Sub-Account PIT); the OAuth routes use
   * `Agency-Access-Only` (an Agency OAuth token, no PIT), as the spec's security schemes describe them.
   */
  access: 'location' | 'agency';
}

const AGENCY_OPERATION_IDS = new Set(['get-location-access-token', 'get-installed-location']);

export const API_OPERATIONS: readonly ApiOperation[] = [
  ...CONVERSATION_OPERATIONS.map((op) => ({
    operationId: op.operationId,
    method: op.method,
    path: op.path,
    scopes: op.scopes,
    version: op.version,
    bodyContentType: op.bodyContentType,
    access: 'location' as const,
  })),
  // HighLevel's contacts API is not in specs/highlevel and CONTACT_OPERATIONS declares no version,
  // so the sandbox accepts any Version header on them.
  ...CONTACT_OPERATIONS.map((op) => ({
    operationId: op.operationId,
    method: op.method,
    path: op.path,
    scopes: op.scopes,
    version: null,
    bodyContentType: op.method === 'POST' ? 'application/json' : null,
    access: 'location' as const,
  })),
  ...OAUTH_OPERATIONS.filter((op) => AGENCY_OPERATION_IDS.has(op.operationId)).map((op) => ({
    operationId: op.operationId,
    method: op.method,
    path: op.path,
    scopes: op.scopes,
    version: op.version,
    bodyContentType: op.bodyContentType,
    access: 'agency' as const,
  })),
];

/** `/conversations/{conversationId}` → `/conversations/:conversationId` (Fastify's syntax). */
export function toRoutePath(specPath: string): string {
  return specPath.replace(/\{([^}]+)\}/g, ':$1');
}

/**
 * Shared setup for the sandbox domain tests: a domain with a controllable clock, sequential
 * HighLevel-style ids and a webhook collector, a request builder, and spec response validators.
 */
import { createSandboxDomain, type SandboxDomain } from '../../src/sandbox/highlevel/domain.js';
import type {
  SandboxContext,
  SandboxFile,
  SandboxPrincipal,
  SandboxResponse,
  SandboxWebhookEvent,
} from '../../src/sandbox/highlevel/types.js';

export const LOCATION = 'locAAAAAAAAAAAAAAAAA';
export const OTHER_LOCATION = 'locBBBBBBBBBBBBBBBBB';
export const START = Date.UTC(2025, 4, 1, 12, 0, 0);

export interface RequestParts {
  params?: Record<string, string>;
  query?: Record<string, any>;
  body?: any;
  files?: SandboxFile[];
  locationId?: string | null;
}

export interface DomainHarness {
  domain: SandboxDomain;
  events: SandboxWebhookEvent[];
  ctx: SandboxContext;
  advance(ms: number): void;
  now(): number;
  call(operationId: string, parts?: RequestParts): Promise<SandboxResponse & { body?: any }>;
  /** Upserts a contact in LOCATION and returns its id. */
  contact(fields: Record<string, unknown>): Promise<string>;
}

export function principal(locationId: string | null = LOCATION): SandboxPrincipal {
  return { appId: 'app-test', userType: 'Location', locationId, companyId: 'company-test', scopes: [] };
}

export function createHarness(options: { messagesShape?: 'wrapped' | 'flat' } = {}): DomainHarness {
  let clock = START;
  let counter = 0;
  const events: SandboxWebhookEvent[] = [];
  const now = () => clock;
  const newId = () => `id${String(++counter).padStart(18, '0')}`;
  const emit = (e: SandboxWebhookEvent) => events.push(e);
  const domain = createSandboxDomain({ now, newId, emit, ...options });
  const ctx: SandboxContext = { now, newId, emit };
  const call: DomainHarness['call'] = async (operationId, parts = {}) => {
    const handler = domain.handlers[operationId];
    if (!handler) throw new Error(`no handler for ${operationId}`);
    return handler(
      {
        operationId,
        params: parts.params ?? {},
        query: parts.query ?? {},
        body: parts.body,
        files: parts.files ?? [],
        principal: principal(parts.locationId === undefined ? LOCATION : parts.locationId),
      },
      ctx,
    );
  };
  return {
    domain,
    events,
    ctx,
    now,
    advance: (ms) => {
      clock += ms;
    },
    call,
    contact: async (fields) => {
      const res = await call('upsert-contact', { body: { locationId: LOCATION, ...fields } });
      if (res.status !== 200) throw new Error(`upsert-contact failed: ${JSON.stringify(res.body)}`);
      return res.body.contact.id;
    },
  };
}

export { expectValid, responseValidator, schemaValidator } from '../helpers/spec-validator.js';

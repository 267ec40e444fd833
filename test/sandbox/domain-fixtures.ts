/**
 * Shared setup for the sandbox domain tests: a domain with a controllable clock, sequential
 * HighLevel-style ids and a webhook collector, a request builder, and spec response validators.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
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

const spec = JSON.parse(
  readFileSync(new URL('../../src/highlevel/generated/conversations.openapi.json', import.meta.url), 'utf8'),
);
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('binary', true);
ajv.addSchema(spec, 'conversations');

/** Validator for `components.schemas[name]` of the patched conversations spec. */
export function schemaValidator(name: string): ValidateFunction {
  const validate = ajv.getSchema(`conversations#/components/schemas/${name}`);
  if (!validate) throw new Error(`schema ${name} not found in conversations.openapi.json`);
  return validate;
}

/** Validator for an operation's documented success response body. */
export function responseValidator(path: string, method: string, status: number): ValidateFunction {
  const pointer = `conversations#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}/responses/${status}/content/application~1json/schema`;
  const validate = ajv.getSchema(pointer);
  if (!validate) throw new Error(`no response schema at ${pointer}`);
  return validate;
}

/** Asserts a body matches a validator, with ajv's errors in the failure message. */
export function expectValid(validate: ValidateFunction, body: unknown): void {
  if (!validate(body)) throw new Error(`response does not match the spec: ${JSON.stringify(validate.errors, null, 2)}`);
}

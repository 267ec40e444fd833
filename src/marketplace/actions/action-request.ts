/**
 * The body HighLevel POSTs to an action (and to its dynamic-fields URL):
 * `{ data, extras: { locationId, contactId, workflowId }, meta: { key, version } }`
 * (https://marketplace.gohighlevel.com/docs/marketplace-modules/CustomActions). Unknown keys are kept
 * out of the way rather than refused, since HighLevel adds fields (`data.branches`, `extras.companyId`)
 * as it sees fit. Every error names the field and what was expected.
 */
import { z } from 'zod';
import { MarketplaceActionError } from './action-error.js';

const id = (what: string) =>
  z
    .string({ error: `expected ${what} as a string` })
    .trim()
    .min(1, `expected ${what}`);

const ActionRequestSchema = z.object({
  data: z.record(z.string(), z.unknown(), { error: 'expected an object of the action fields' }).default({}),
  extras: z.object(
    {
      locationId: id('the HighLevel location id'),
      contactId: id('the HighLevel contact id').optional(),
      workflowId: id('the HighLevel workflow id').optional(),
    },
    { error: 'expected an object with locationId' },
  ),
  meta: z
    .object({
      key: z.string({ error: 'expected the action key as a string' }).optional(),
      version: z.union([z.string(), z.number()], { error: 'expected the action version, e.g. "1.0"' }).optional(),
    })
    .default({}),
});

export interface ActionRequest {
  data: Record<string, unknown>;
  extras: { locationId: string; contactId: string | null; workflowId: string | null };
  meta: { key: string | null; version: string | null };
}

export function invalidRequest(message: string): MarketplaceActionError {
  return new MarketplaceActionError('invalid_action_request', message);
}

export function parseActionRequest(body: unknown): ActionRequest {
  const parsed = ActionRequestSchema.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.length ? issue.path.join('.') : 'body';
    throw invalidRequest(`${path}: ${issue?.message ?? 'expected { data, extras, meta }'}`);
  }
  const { data, extras, meta } = parsed.data;
  return {
    data,
    extras: {
      locationId: extras.locationId,
      contactId: extras.contactId ?? null,
      workflowId: extras.workflowId ?? null,
    },
    meta: { key: meta.key ?? null, version: meta.version === undefined ? null : String(meta.version) },
  };
}

/** A text field of `data`: trimmed; empty counts as absent. */
export function textField(
  data: Record<string, unknown>,
  name: string,
  options: { required?: boolean; maxLength?: number; allowed?: readonly string[] } = {},
): string | null {
  const raw = data[name];
  if (raw !== undefined && raw !== null && typeof raw !== 'string' && typeof raw !== 'number') {
    throw invalidRequest(`data.${name}: expected text, got ${Array.isArray(raw) ? 'a list' : typeof raw}`);
  }
  const value = raw === undefined || raw === null ? '' : String(raw).trim();
  if (value === '') {
    if (options.required) throw invalidRequest(`data.${name}: expected a value; it is required`);
    return null;
  }
  const max = options.maxLength ?? 2000;
  if (value.length > max) throw invalidRequest(`data.${name}: expected at most ${max} characters, got ${value.length}`);
  if (options.allowed && !options.allowed.includes(value)) {
    throw invalidRequest(`data.${name}: expected one of ${options.allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function emailField(data: Record<string, unknown>, name: string): string | null {
  const value = textField(data, name, { maxLength: 320 });
  if (value !== null && !EMAIL.test(value)) throw invalidRequest(`data.${name}: expected an email address`);
  return value;
}

/**
 * Turns ajv errors into the one-line-per-problem messages of HighLevel's 422 UnprocessableDTO
 * (`message` is an array of strings, specs/highlevel/common/common-schemas.json). HighLevel runs NestJS with
 * class-validator, whose messages read "contactId must be a string"; the sandbox follows that style
 * and always names the field and what was expected.
 */
import type { ErrorObject } from 'ajv';

type Json = Record<string, any>;

const ARTICLE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

/** "a string", "an array of strings", "one of the following values: a, b", "a number or an array of numbers". */
export function describeSchema(schema: Json | undefined): string {
  if (!schema || typeof schema !== 'object') return 'a valid value';
  if (Array.isArray(schema.enum)) return `one of the following values: ${schema.enum.join(', ')}`;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives)) return alternatives.map((s: Json) => describeSchema(s)).join(' or ');
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'array') {
    const itemType = schema.items?.type;
    return typeof itemType === 'string' && !schema.items.enum ? `an array of ${itemType}s` : 'an array';
  }
  if (typeof type === 'string') return ARTICLE[type] ?? `a ${type}`;
  if (schema.properties || schema.allOf || schema.$ref) return 'an object';
  return 'a valid value';
}

/** "/error/code" → "error.code", "/attachments/0" → "attachments[0]"; the root is `rootName`. */
export function fieldName(instancePath: string, rootName: string, child?: string): string {
  const segments = instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) segments.push(child);
  if (segments.length === 0) return rootName;
  return segments.reduce(
    (name, seg, i) => (/^\d+$/.test(seg) ? `${name}[${seg}]` : i === 0 ? seg : `${name}.${seg}`),
    '',
  );
}

function messageFor(error: ErrorObject, rootName: string): string {
  const field = fieldName(error.instancePath, rootName);
  const params = error.params as Json;
  const parent = error.parentSchema as Json | undefined;
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      const expected = describeSchema(parent?.properties?.[missing]);
      const name = fieldName(error.instancePath, rootName, missing);
      return expected === 'a valid value' ? `${name} is required` : `${name} is required and must be ${expected}`;
    }
    case 'type':
    case 'anyOf':
    case 'oneOf':
      return `${field} must be ${describeSchema(parent)}`;
    case 'enum':
      return `${field} must be one of the following values: ${(params.allowedValues as unknown[]).join(', ')}`;
    case 'minimum':
    case 'exclusiveMinimum':
      return `${field} must not be less than ${params.limit}`;
    case 'maximum':
    case 'exclusiveMaximum':
      return `${field} must not be greater than ${params.limit}`;
    case 'minLength':
      return `${field} must be at least ${params.limit} characters long`;
    case 'maxLength':
      return `${field} must be at most ${params.limit} characters long`;
    case 'minItems':
      return `${field} must contain at least ${params.limit} elements`;
    case 'maxItems':
      return `${field} must contain at most ${params.limit} elements`;
    case 'format':
      return `${field} must be a valid ${params.format}`;
    case 'pattern':
      return `${field} must match the pattern ${params.pattern}`;
    default:
      return `${field} ${error.message ?? 'is invalid'}`;
  }
}

/**
 * One message per problem. Errors inside a failed anyOf/oneOf are folded into that one message
 * ("startAfterDate must be a number or an array of numbers"), not listed per branch.
 */
export function formatValidationErrors(errors: readonly ErrorObject[], rootName: string): string[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const kept = errors.filter(
    (e) =>
      !unions.some(
        (u) => u !== e && e.schemaPath.startsWith(`${u.schemaPath}/`) && e.instancePath.startsWith(u.instancePath),
      ),
  );
  return [...new Set(kept.map((e) => messageFor(e, rootName)))];
}

/**
 * A JSON Schema (draft-07) of each action's step inputs (`with`), for the workflow studio's forms and
 * checks (`GET /api/catalog`, `parley catalog --json`).
 *
 * - `highlevel.<operationId>` actions: each input's schema is the operation's own in HighLevel's
 *   bundled OpenAPI file (the body property, or the path or query parameter), with its `$ref`s
 *   resolved and OpenAPI 3.0's `nullable` and `example` written as draft-07 says them.
 * - parley's own actions (contacts.*, conversations.find-or-create, links.save, preferences.*): from
 *   their ActionInputSpec (description, values), with the types in OWN_INPUT_TYPES.
 *
 * Which inputs exist, and which are required, always come from the action's ActionInputSpec list, so
 * the schema says what the runner checks (validate-workflow.ts, step-inputs.ts): an input the run fills
 * itself (`defaulted`, e.g. locationId) is never required; a required text input must not be empty;
 * no other key is accepted. Inputs of parley's own actions also accept null, which they treat as left
 * out (an attendee without a phone renders `{{ attendee.phone }}` as null).
 */
import { findOperation } from '../highlevel/operation-catalog.js';
import type { ActionInputSpec, ActionSpec } from '../workflows/actions/action-types.js';
import { HIGHLEVEL_ACTION_PREFIX } from '../workflows/actions/highlevel-actions.js';
import { readSpec } from '../workflows/actions/operation-inputs.js';

export type JsonSchema = { [keyword: string]: unknown };

export const JSON_SCHEMA_DRAFT = 'http://json-schema.org/draft-07/schema#';

const TEXT: JsonSchema = { type: 'string' };

/**
 * Types of the inputs of parley's own actions, which their ActionInputSpec does not carry: ids and
 * words are text; tags one tag or a list (contacts-add-tags.ts); customFields HighLevel's list
 * (UpsertContactBody in src/highlevel/contacts-api.ts); a preference value anything (preferences-save.ts
 * stores text as it is and anything else as JSON).
 */
export const OWN_INPUT_TYPES: Readonly<Record<string, JsonSchema>> = {
  contactId: TEXT,
  locationId: TEXT,
  conversationId: TEXT,
  eventKey: TEXT,
  attendeeId: TEXT,
  welcomeMessageId: TEXT,
  key: TEXT,
  text: TEXT,
  email: TEXT,
  phone: TEXT,
  firstName: TEXT,
  lastName: TEXT,
  name: TEXT,
  timezone: TEXT,
  source: TEXT,
  tags: { anyOf: [TEXT, { type: 'array', items: TEXT }] },
  customFields: {
    type: 'array',
    items: {
      type: 'object',
      properties: { id: TEXT, key: TEXT, field_value: {} },
      required: ['field_value'],
    },
  },
  value: {},
};

/** OpenAPI 3.0 schema keywords that mean the same in draft-07; the rest are translated below or left out. */
const SAME_KEYWORDS = new Set([
  'type',
  'title',
  'description',
  'enum',
  'default',
  'format',
  'minimum',
  'maximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'required',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function componentSchemas(): Record<string, unknown> {
  return readSpec().components.schemas as Record<string, unknown>;
}

/** An OpenAPI 3.0 schema as draft-07, `$ref`s inlined (a schema that contains itself is left open there). */
export function toJsonSchema(schema: unknown, seen: readonly string[] = []): JsonSchema {
  if (!isRecord(schema)) return {};
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace(/^#\/components\/schemas\//, '');
    if (seen.includes(name)) return {};
    return toJsonSchema(componentSchemas()[name], [...seen, name]);
  }
  let out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(schema)) if (SAME_KEYWORDS.has(keyword)) out[keyword] = value;
  if (schema.format === 'binary') {
    // draft-07 has no `binary` format: the value is a file's bytes (https://json-schema.org/understanding-json-schema/reference/non_json_data).
    delete out.format;
    out.contentMediaType = 'application/octet-stream';
  }
  if ('example' in schema) out.examples = [schema.example];
  if (isRecord(schema.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, property]) => [name, toJsonSchema(property, seen)]),
    );
  }
  if (schema.items !== undefined) out.items = toJsonSchema(schema.items, seen);
  if (schema.additionalProperties !== undefined) {
    out.additionalProperties =
      typeof schema.additionalProperties === 'boolean'
        ? schema.additionalProperties
        : toJsonSchema(schema.additionalProperties, seen);
  }
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const list = schema[keyword];
    if (Array.isArray(list)) out[keyword] = list.map((item) => toJsonSchema(item, seen));
  }
  if (Array.isArray(schema.allOf)) {
    const parts = schema.allOf.map((item) => toJsonSchema(item, seen));
    // HighLevel wraps a `$ref` in a one-item allOf to give it a description: inline it, its own words win.
    if (parts.length === 1) out = { ...parts[0], ...out };
    else out.allOf = parts;
  }
  if (schema.nullable === true) out = withNull(out);
  return out;
}

/** `schema` that also accepts null. */
function withNull(schema: JsonSchema): JsonSchema {
  const out = { ...schema };
  if (typeof out.type === 'string') out.type = [out.type, 'null'];
  else if (Array.isArray(out.type) && !out.type.includes('null')) out.type = [...out.type, 'null'];
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if (Array.isArray(out.anyOf)) out.anyOf = [...out.anyOf, { type: 'null' }];
  return out;
}

interface SpecParameter {
  name?: string;
  in?: string;
  description?: string;
  schema?: unknown;
}

/** Each path, query and body input of a HighLevel operation, as the spec describes it. */
function operationPropertySchemas(operationId: string): Map<string, JsonSchema> {
  const op = findOperation(operationId);
  const operation = readSpec().paths[op.path]?.[op.method.toLowerCase()] ?? {};
  const out = new Map<string, JsonSchema>();
  if (op.bodyContentType !== null) {
    const body = toJsonSchema(operation.requestBody?.content?.[op.bodyContentType]?.schema);
    if (isRecord(body.properties)) {
      for (const [name, property] of Object.entries(body.properties)) out.set(name, property as JsonSchema);
    }
  }
  // Parameters after the body: a name in both is a path or query value (toCallInput sends it there).
  for (const parameter of (operation.parameters ?? []) as SpecParameter[]) {
    if (parameter.name === undefined || (parameter.in !== 'path' && parameter.in !== 'query')) continue;
    const schema = toJsonSchema(parameter.schema);
    out.set(parameter.name, parameter.description ? { ...schema, description: parameter.description } : schema);
  }
  return out;
}

/** An own action's input: its type, words and values; null accepted as "left out". */
function ownInputSchema(input: ActionInputSpec): JsonSchema {
  const schema: JsonSchema = { ...(OWN_INPUT_TYPES[input.name] ?? {}) };
  if (input.description !== undefined) schema.description = input.description;
  if (input.values !== undefined) schema.enum = [...input.values];
  return input.required && !input.defaulted ? schema : withNull(schema);
}

/** What the step must give: present, and for text not empty (the runner's check, step-inputs.ts). */
function mustGive(schema: JsonSchema): JsonSchema {
  return schema.type === 'string' && schema.minLength === undefined ? { ...schema, minLength: 1 } : schema;
}

function defaultedWords(schema: JsonSchema): JsonSchema {
  const words = 'The run fills it when the step leaves it out.';
  const own = typeof schema.description === 'string' ? `${schema.description.replace(/\.?\s*$/, '.')} ` : '';
  return { ...schema, description: `${own}${words}` };
}

export function actionInputSchema(action: ActionSpec): JsonSchema {
  const base: JsonSchema = {
    $schema: JSON_SCHEMA_DRAFT,
    title: action.name,
    description: action.description,
    type: 'object',
  };
  // The operation's body is not described: any key goes (operation-inputs.ts).
  if (action.inputs === null) return { ...base, additionalProperties: true };
  const fromSpec = action.name.startsWith(HIGHLEVEL_ACTION_PREFIX)
    ? operationPropertySchemas(action.name.slice(HIGHLEVEL_ACTION_PREFIX.length))
    : null;
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const input of action.inputs) {
    const specSchema = input.place === 'action' ? undefined : fromSpec?.get(input.name);
    let schema = specSchema ?? (fromSpec ? withWords(TEXT, input) : ownInputSchema(input));
    if (input.defaulted) schema = defaultedWords(schema);
    else if (input.required) {
      schema = mustGive(schema);
      required.push(input.name);
    }
    properties[input.name] = schema;
  }
  return { ...base, properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false };
}

/**
 * An input of a HighLevel action the spec does not describe: the send guard's `conversationId`
 * (operation-inputs.ts EXTRA_INPUTS), or a path parameter the spec forgot to declare (spec-defects.ts).
 */
function withWords(schema: JsonSchema, input: ActionInputSpec): JsonSchema {
  return {
    ...schema,
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.values !== undefined ? { enum: [...input.values] } : {}),
  };
}

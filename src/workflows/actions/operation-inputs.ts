/**
 * What a `highlevel.<operationId>` step may put in `with`, read from the catalog (path and query
 * parameters) and from the bundled spec (the request body's properties), and how `with` becomes the
 * call's path, query and body. A key the operation does not take is a validation error, not a field
 * HighLevel silently ignores.
 */
import { readFileSync } from 'node:fs';
import type { CallInput } from '../../highlevel/client-types.js';
import type { OperationDescriptor } from '../../highlevel/operation-descriptor.js';
import type { ActionInputSpec } from './action-types.js';

interface SchemaObject {
  $ref?: string;
  properties?: Record<string, PropertySchema>;
  required?: string[];
}

interface PropertySchema {
  description?: string;
  enum?: unknown[];
}

let spec: { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, SchemaObject> } } | null =
  null;

/** The bundled conversations spec (also read by src/features/action-input-schemas.ts for full input schemas). */
export function readSpec() {
  spec ??= JSON.parse(
    readFileSync(new URL('../../highlevel/generated/conversations.openapi.json', import.meta.url), 'utf8'),
  );
  return spec!;
}

function bodySchema(op: OperationDescriptor): SchemaObject | null {
  if (op.bodyContentType === null) return null;
  const { paths, components } = readSpec();
  const content = paths[op.path]?.[op.method.toLowerCase()]?.requestBody?.content?.[op.bodyContentType];
  let schema: SchemaObject | undefined = content?.schema;
  if (schema?.$ref) schema = components.schemas[schema.$ref.split('/').pop() ?? ''];
  return schema ?? null;
}

/** The spec's words for each path and query parameter, to say what a missing one should be. */
function parameterDescriptions(op: OperationDescriptor): Map<string, string> {
  const parameters: { name?: string; description?: string }[] =
    readSpec().paths[op.path]?.[op.method.toLowerCase()]?.parameters ?? [];
  const out = new Map<string, string>();
  for (const p of parameters) if (p.name && p.description) out.set(p.name, p.description);
  return out;
}

/** `description` and `values` of an input from its spec schema, when the spec gives them. */
function described(
  description: string | undefined,
  values?: unknown[],
): Pick<ActionInputSpec, 'description' | 'values'> {
  return {
    ...(description ? { description } : {}),
    ...(values?.every((v) => typeof v === 'string') ? { values: values as string[] } : {}),
  };
}

/** Path parameter names from the path template itself (spec defect `missing-id-path-param`). */
export function pathParamsOf(op: OperationDescriptor): string[] {
  return [...op.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');
}

/**
 * Inputs the send step takes beyond the spec's body: the conversation the guard looks in (not sent;
 * without it the guard finds the contact's one conversation through search).
 */
const EXTRA_INPUTS: Record<string, ActionInputSpec[]> = {
  'send-a-new-message': [
    {
      name: 'conversationId',
      required: false,
      place: 'action',
      description: 'the conversation the send guard looks in; not sent to HighLevel',
    },
  ],
};

/**
 * Body fields the client fills when a step leaves them out: the 2026-05-01 spec made `subType` and
 * `status` required on send; conversations-api.ts uses the same defaults. A send field a template
 * rendered empty is left out, so one step serves SMS and Email: an Email-only `subject` (or `html`)
 * renders empty for an SMS and is not sent with it.
 */
const BODY_DEFAULTS: Record<string, (body: Record<string, unknown>) => void> = {
  'send-a-new-message': (body) => {
    for (const [name, value] of Object.entries(body)) if (value === '') delete body[name];
    body.subType ??= body.type;
    body.status ??= 'pending';
  },
};
const DEFAULTED_BODY: Record<string, string[]> = { 'send-a-new-message': ['subType', 'status'] };

/** The inputs of an operation, or null when its body has no documented properties (any key goes to the body). */
export function operationInputs(op: OperationDescriptor): ActionInputSpec[] | null {
  const inputs: ActionInputSpec[] = [];
  const defaulted = (name: string) => name === 'locationId' || (DEFAULTED_BODY[op.operationId] ?? []).includes(name);
  const words = parameterDescriptions(op);
  for (const name of pathParamsOf(op)) {
    inputs.push({ name, required: true, place: 'path', defaulted: defaulted(name), ...described(words.get(name)) });
  }
  for (const q of op.queryParams) {
    inputs.push({
      name: q.name,
      required: q.required,
      place: 'query',
      defaulted: defaulted(q.name),
      ...described(words.get(q.name)),
    });
  }
  const schema = bodySchema(op);
  if (op.bodyContentType !== null) {
    if (!schema?.properties) return null;
    const required = new Set(schema.required ?? []);
    for (const [name, property] of Object.entries(schema.properties)) {
      if (inputs.some((input) => input.name === name)) continue;
      inputs.push({
        name,
        required: required.has(name),
        place: 'body',
        defaulted: defaulted(name),
        ...described(property?.description, property?.enum),
      });
    }
  }
  inputs.push(...(EXTRA_INPUTS[op.operationId] ?? []));
  return inputs;
}

/** `with` → path, query and body; `locationId` from the run wherever the operation takes one and the step gave none. */
export function toCallInput(
  op: OperationDescriptor,
  input: Record<string, unknown>,
  locationId: string,
): { call: CallInput; extras: Record<string, unknown> } {
  const pathNames = new Set(pathParamsOf(op));
  const queryNames = new Set(op.queryParams.map((q) => q.name));
  const extraNames = new Set((EXTRA_INPUTS[op.operationId] ?? []).map((extra) => extra.name));
  const path: Record<string, unknown> = {};
  const query: Record<string, unknown> = {};
  const body: Record<string, unknown> = {};
  const extras: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (pathNames.has(name)) path[name] = value;
    else if (queryNames.has(name)) query[name] = value;
    else if (extraNames.has(name)) extras[name] = value;
    else body[name] = value;
  }
  if (input.locationId === undefined) {
    if (pathNames.has('locationId')) path.locationId = locationId;
    else if (queryNames.has('locationId')) query.locationId = locationId;
    else if (bodySchema(op)?.properties?.locationId !== undefined) body.locationId = locationId;
  }
  BODY_DEFAULTS[op.operationId]?.(body);
  const call: CallInput = { path, query };
  if (op.bodyContentType !== null) call.body = body;
  return { call, extras };
}

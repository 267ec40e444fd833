/**
 * Validates a request's path parameters, query parameters and body against the operation's schemas,
 * compiled once at startup with ajv (strict: false, because OpenAPI schemas carry `example` and other
 * non-JSON-Schema keywords). Whole OpenAPI documents are registered with `addSchema`, so body `$ref`s
 * resolve against the published (patched) components.
 *
 * - Path and query values arrive as strings and are coerced to the spec's types; comma lists stay strings.
 * - JSON bodies are checked as sent: no coercion, and unknown properties are allowed (HighLevel ignores them).
 * - Form and multipart bodies arrive as strings and are coerced like query values.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { OperationSchemas, ParamSchema } from './operation-schemas.js';
import { formatValidationErrors } from './validation-messages.js';

type Json = Record<string, any>;

export interface RequestInput {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
}

export type ValidationResult =
  | { ok: true; params: Record<string, string>; query: Record<string, any>; body: any }
  | { ok: false; messages: string[] };

export interface RequestValidator {
  validate(operationId: string, input: RequestInput): ValidationResult;
}

export interface ValidatorOptions {
  /** OpenAPI documents to register, each under the id its operations' `$ref`s use. */
  documents: { id: string; doc: Json }[];
  operations: OperationSchemas[];
}

interface CompiledParams {
  check: ValidateFunction;
  commaLists: ParamSchema[];
}

interface CompiledOperation {
  params: CompiledParams;
  query: CompiledParams;
  body: { check: ValidateFunction; required: boolean; coerced: boolean } | null;
}

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object or the function.
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

function newAjv(coerce: boolean, documents: ValidatorOptions['documents']): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, verbose: true, ...(coerce ? { coerceTypes: 'array' } : {}) });
  addFormats(ajv);
  // `format: binary` marks multipart file parts (spec defect upload-file-attachment-key); files are checked apart.
  ajv.addFormat('binary', true);
  for (const { id, doc } of documents) ajv.addSchema(doc, id);
  return ajv;
}

function compileParams(ajv: Ajv, params: ParamSchema[]): CompiledParams {
  const properties: Json = {};
  for (const p of params) properties[p.name] = p.commaList ? { type: 'string' } : p.schema;
  const required = params.filter((p) => p.required).map((p) => p.name);
  return {
    check: ajv.compile({ type: 'object', properties, required }),
    commaLists: params.filter((p) => p.commaList),
  };
}

function runParams(compiled: CompiledParams, values: Record<string, unknown>, messages: string[]): Record<string, any> {
  const copy: Record<string, any> = { ...values };
  if (!compiled.check(copy)) messages.push(...formatValidationErrors(compiled.check.errors ?? [], 'parameters'));
  for (const p of compiled.commaLists) {
    const value = copy[p.name];
    if (typeof value !== 'string') continue;
    const allowed: unknown[] = p.schema.enum;
    const bad = value.split(',').filter((part) => !allowed.includes(part.trim()));
    if (bad.length > 0) {
      messages.push(`${p.name} must be a comma-separated list of the following values: ${allowed.join(', ')}`);
    }
  }
  return copy;
}

export function createRequestValidator(options: ValidatorOptions): RequestValidator {
  const strict = newAjv(false, options.documents);
  const coercing = newAjv(true, options.documents);
  const compiled = new Map<string, CompiledOperation>();
  for (const op of options.operations) {
    const coerced = op.body !== null && op.body.contentType !== 'application/json';
    compiled.set(op.operationId, {
      params: compileParams(coercing, op.pathParams),
      query: compileParams(coercing, op.queryParams),
      body: op.body
        ? { check: (coerced ? coercing : strict).compile(op.body.schema), required: op.body.required, coerced }
        : null,
    });
  }

  return {
    validate(operationId, input) {
      const op = compiled.get(operationId);
      if (!op) throw new Error(`No request schemas for operation ${operationId}`);
      const messages: string[] = [];
      const params = runParams(op.params, input.params, messages);
      const query = runParams(op.query, input.query, messages);
      let body: unknown;
      if (op.body) {
        // A required body that was not sent is checked as {} so each missing field is named.
        body = input.body === undefined && op.body.required ? {} : input.body;
        if (op.body.coerced && body && typeof body === 'object') body = structuredClone(body);
        if (body !== undefined && !op.body.check(body)) {
          messages.push(...formatValidationErrors(op.body.check.errors ?? [], 'body'));
        }
      }
      if (messages.length > 0) return { ok: false, messages };
      return { ok: true, params, query, body };
    },
  };
}

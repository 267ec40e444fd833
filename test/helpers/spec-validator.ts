/**
 * Validators for response bodies against the patched HighLevel conversations spec
 * (src/highlevel/generated/conversations.openapi.json), so shape drift in the sandbox fails a test.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

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

/**
 * Validator for the success body of a catalogued operation, or null when the spec documents no JSON
 * body for it (downloads, and the preference operations that declare no schema).
 */
export function successValidator(op: {
  path: string;
  method: string;
  successStatus: number;
  responseKind: string;
}): ValidateFunction | null {
  if (op.responseKind !== 'json') return null;
  return responseValidator(op.path, op.method.toLowerCase(), op.successStatus);
}

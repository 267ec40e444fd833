/**
 * The request validator for every operation the sandbox serves: the conversations and OAuth operations
 * from the generated (bundled, patched) OpenAPI documents, plus the contact operations. Compiling takes
 * a moment and the result holds no state, so it is built once per process and shared by all sandboxes.
 */
import { readFileSync } from 'node:fs';
import { CONTACT_OPERATION_SCHEMAS } from './contact-schemas.js';
import { readOperationSchemas } from './operation-schemas.js';
import { createRequestValidator, type RequestValidator } from './request-validator.js';

function readSpec(name: string): Record<string, any> {
  return JSON.parse(readFileSync(new URL(`../../highlevel/generated/${name}`, import.meta.url), 'utf8'));
}

let shared: RequestValidator | null = null;

export function sandboxRequestValidator(): RequestValidator {
  if (shared) return shared;
  const conversations = readSpec('conversations.openapi.json');
  const oauth = readSpec('oauth.openapi.json');
  shared = createRequestValidator({
    documents: [
      { id: 'conversations', doc: conversations },
      { id: 'oauth', doc: oauth },
    ],
    operations: [
      ...readOperationSchemas(conversations, 'conversations'),
      ...readOperationSchemas(oauth, 'oauth'),
      ...CONTACT_OPERATION_SCHEMAS,
    ],
  });
  return shared;
}

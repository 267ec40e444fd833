/**
 * Starts an in-process HighLevel sandbox on 127.0.0.1, port 0, for tests that need a real HighLevel to
 * talk to. Logs are silent unless the test passes a logger. Always close it (afterEach / finally).
 *
 *   const { sandbox, url, close } = await withSandbox({ burstLimit: 5 });
 *   const { accessToken } = sandbox.issueToken();
 */
import { CONVERSATION_OPERATIONS } from '../../src/highlevel/generated/operations.js';
import { createLogger } from '../../src/lib/create-logger.js';
import {
  type HighLevelSandbox,
  type HighLevelSandboxOptions,
  startHighLevelSandbox,
} from '../../src/sandbox/highlevel/create-sandbox.js';
import { CONTACT_OPERATIONS, type OperationHandler } from '../../src/sandbox/highlevel/types.js';

export interface SandboxHandle {
  sandbox: HighLevelSandbox;
  /** Base URL, e.g. http://127.0.0.1:53121 */
  url: string;
  close(): Promise<void>;
}

export async function withSandbox(
  options: HighLevelSandboxOptions & { attendees?: number } = {},
): Promise<SandboxHandle> {
  const sandbox = await startHighLevelSandbox({
    logger: createLogger({ level: 'silent' }),
    // Generating 2048-bit RSA keys takes up to a few hundred ms on this machine; tests do not need them.
    rsaModulusLength: 1024,
    ...options,
    port: 0,
    host: '127.0.0.1',
  });
  return { sandbox, url: sandbox.url, close: () => sandbox.close() };
}

/**
 * Handlers that answer 200 with what the HTTP layer passed them (operation, params, query, body, file
 * summaries, principal), for tests of the HTTP layer that must not depend on the domain layer.
 */
export function echoHandlers(): Record<string, OperationHandler> {
  const echo: OperationHandler = (req) => ({
    status: 200,
    body: {
      operationId: req.operationId,
      params: req.params,
      query: req.query,
      body: req.body ?? null,
      files: req.files.map((f) => ({
        field: f.field,
        filename: f.filename,
        contentType: f.contentType,
        size: f.data.length,
      })),
      principal: req.principal,
    },
  });
  const ids = [...CONVERSATION_OPERATIONS, ...CONTACT_OPERATIONS].map((op) => op.operationId);
  return Object.fromEntries(ids.map((id) => [id, echo]));
}

/** A response's JSON body, typed loosely for assertions (fetch types it as unknown). */
export async function readJson(res: Response): Promise<any> {
  return res.json();
}

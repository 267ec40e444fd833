/**
 * Turns what a console handler throws into the API's one error shape `{ error, message, field? }`:
 * ConsoleError by its code; Fastify's schema validation as invalid_request naming the field; the
 * index's argument errors as invalid_request; a HighLevel failure as upstream_failed: a sentence with
 * the next step, HighLevel's code, status and trace id beside it, never its own error text. An unusable database is a 503 and anything else a 500,
 * both with their details in the log only. Routes outside /api and /console get the app's root answers.
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { HighLevelError } from '../../highlevel/errors.js';
import { IndexError } from '../../search/index-error.js';
import { clientErrorStatus, type ErrorAnswer, sendAnswer, serverErrorAnswer } from '../../server/public-errors.js';
import { WorkflowError, WorkflowValidationError } from '../../workflows/workflow-error.js';
import { ConsoleError } from '../console-error.js';
import { upstreamSentence } from '../conversations/upstream-sentences.js';

/** What each read the console makes was for, in the infinitive, for the sentence its failure becomes. */
const READS: Record<string, string> = {
  'get-conversation': 'load the conversation',
  'search-conversation': 'search the conversations',
  'get-messages': 'load the messages',
  'get-message': 'load the message',
  'get-email-by-id': 'load the email',
  'get-message-transcription': 'load the transcript',
  'download-message-transcription': 'download the transcript',
  'get-message-recording': 'load the recording',
  'get-contact': 'load the contact',
};

export function toConsoleError(error: unknown): ConsoleError | null {
  if (error instanceof ConsoleError) return error;
  if (error instanceof WorkflowError) return workflowConsoleError(error);
  if (error instanceof IndexError) {
    return error.code === 'sync_failed' ? null : new ConsoleError('invalid_request', error.message);
  }
  if (error instanceof HighLevelError) {
    if (error.status === 404)
      return new ConsoleError('not_found', `HighLevel has no such record (${error.operationId})`);
    // Writes word their own failures (write-upstream.ts); a read that fails here says what it was loading.
    return new ConsoleError('upstream_failed', upstreamSentence(error, READS[error.operationId] ?? 'load it'), {
      upstream: { code: error.code, status: error.status, traceId: error.traceId },
    });
  }
  const validation = (error as FastifyError).validation;
  if (Array.isArray(validation) && validation.length > 0) {
    const first = validation[0] as { instancePath?: string; params?: Record<string, unknown> };
    const missing = typeof first.params?.missingProperty === 'string' ? first.params.missingProperty : undefined;
    const path = (first.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
    const context = (error as FastifyError & { validationContext?: string }).validationContext;
    const field = missing ?? (path || context || 'request');
    return new ConsoleError('invalid_request', (error as Error).message, { field });
  }
  return null;
}

/** The studio's refusals (src/console/studio/workflow-studio.ts) in the API's one error shape. */
function workflowConsoleError(error: WorkflowError): ConsoleError | null {
  if (error instanceof WorkflowValidationError) {
    const issues = error.issues.map(({ path, message }) => ({ path, message }));
    return new ConsoleError('invalid_request', error.message, { field: issues[0]?.path ?? 'definition', issues });
  }
  switch (error.code) {
    case 'workflow_not_found':
    case 'version_not_found':
      return new ConsoleError('not_found', error.message, { reason: error.code });
    case 'unknown_trigger_sample':
      return new ConsoleError('invalid_request', error.message, { field: 'sample' });
    case 'workflow_exists':
    case 'workflow_read_only':
    case 'version_conflict':
    case 'test_required':
      return new ConsoleError('conflict', error.message, { reason: error.code });
    default:
      return null;
  }
}

/** The console's answer for an error on its paths; null for other paths. */
export function consoleErrorAnswer(error: unknown, request: FastifyRequest): ErrorAnswer | null {
  const path = request.url.split('?')[0] ?? '';
  if (!(path.startsWith('/api/') || path.startsWith('/console'))) return null;
  const mapped = toConsoleError(error);
  if (mapped) return { status: mapped.status, body: mapped.toJSON() };
  const status = clientErrorStatus(error);
  if (status !== null) return { status, body: { error: 'invalid_request', message: (error as Error).message } };
  request.log.error({ err: error, url: path }, 'console request failed');
  // A store that is down is a 503 with no details, as everywhere in the app (src/server/public-errors.ts).
  return serverErrorAnswer(error);
}

export function registerApiErrorHandler(app: FastifyInstance): void {
  // Apps from createApp have one root handler that takes mappers; a bare Fastify app gets a handler.
  if (app.addErrorMapper) {
    app.addErrorMapper(consoleErrorAnswer);
    return;
  }
  app.setErrorHandler(async (error, request, reply) => {
    const answer = consoleErrorAnswer(error, request);
    return answer ? sendAnswer(reply, answer) : reply.send(error);
  });
}

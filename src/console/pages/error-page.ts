/**
 * A page handler's failure as a page, not JSON: the ConsoleError's message and status (403 for a
 * sponsor opening a conversation outside their sponsor channel, 502 when HighLevel failed, 400 for a
 * bad cursor). Anything unmapped is logged and shown as a plain 500 with no internal details.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toConsoleError } from '../api/api-error-handler.js';
import type { Caller } from '../auth/resolve-caller.js';
import { upstreamFailure } from '../conversations/upstream-sentences.js';
import { sendPage } from './render-page.js';

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad request',
  403: 'Not allowed',
  404: 'Not found',
  409: 'No location',
  502: 'HighLevel did not answer',
};

export async function sendErrorPage(
  request: FastifyRequest,
  reply: FastifyReply,
  caller: Caller | null,
  error: unknown,
): Promise<FastifyReply> {
  // HighLevel's own error text is not for agents: the page says what failed and what to do next.
  const mapped = toConsoleError(upstreamFailure(error, 'show this page'));
  if (mapped === null) {
    request.log.error({ err: error, url: request.url.split('?')[0] }, 'console page failed');
    return sendPage(
      reply,
      'error',
      caller,
      { title: 'Something went wrong', message: 'The page could not be built; the server log has details.' },
      500,
    );
  }
  return sendPage(
    reply,
    'error',
    caller,
    { title: TITLES[mapped.status] ?? 'Error', message: mapped.message },
    mapped.status,
  );
}

/** The caller `requirePageRole` put on the request; a page registered without it is a programming error. */
export function pageCaller(request: FastifyRequest): Caller {
  if (request.caller === null || request.caller === undefined) {
    throw new Error('console page registered without requirePageRole');
  }
  return request.caller;
}

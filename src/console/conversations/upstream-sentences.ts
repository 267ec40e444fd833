/**
 * A HighLevel failure as the console tells it: one sentence saying what could not be done and what to
 * do next, never HighLevel's own error text (which names its internals and is often not English
 * prose). HighLevel's code, status and trace id stay in `upstream` for API clients and support.
 * A 404 is left alone: the read side answers it like an id the caller may not see (conversation-access.ts).
 */
import { HighLevelError } from '../../highlevel/errors.js';
import { ConsoleError } from '../console-error.js';

function traceHint(error: HighLevelError): string {
  return error.traceId ? ` (an admin can find HighLevel trace id ${error.traceId} in the audit log)` : '';
}

/** `what`: the action in the infinitive, e.g. "send the reply", "set the message's status". */
export function upstreamSentence(error: HighLevelError, what: string): string {
  const status = error.status;
  if (status === 401) {
    return `HighLevel did not accept parley's connection, so it could not ${what}. Ask an admin to reconnect HighLevel on the Connections page, then try again.`;
  }
  if (status === 403) {
    return `HighLevel refused to ${what}: a message that has not reached its provider yet cannot be changed, and the connection may lack a permission. Wait a few seconds and try again; if it keeps failing, ask an admin to check the HighLevel connection${traceHint(error)}.`;
  }
  if (status === 429) {
    return `HighLevel is limiting how fast parley may call it, so it could not ${what} now. Wait a minute and try again.`;
  }
  if (status !== null && status >= 400 && status < 500) {
    return `HighLevel did not accept the request to ${what}. Reload the conversation to see its current state, check what you entered, and try again${traceHint(error)}.`;
  }
  return `HighLevel did not answer properly, so parley could not ${what}. Try again in a minute; if it keeps failing, ask an admin${traceHint(error)}.`;
}

/** The console error for a HighLevel failure other than 404; anything else is returned as it is. */
export function upstreamFailure(error: unknown, what: string): unknown {
  if (!(error instanceof HighLevelError) || error.status === 404) return error;
  return new ConsoleError('upstream_failed', upstreamSentence(error, what), {
    upstream: { code: error.code, status: error.status, traceId: error.traceId },
  });
}

/**
 * A call recording for the console's <audio> element: get-message-recording's bytes
 * (audio/x-wav, Content-Disposition attachment, per specs/highlevel/apps/conversations.json) and the
 * one `Range: bytes=a-b` form browsers send when seeking
 * (https://www.rfc-editor.org/rfc/rfc9110#section-14.2). Multiple ranges are answered with the whole
 * file, which RFC 9110 allows a server to do.
 */
import { HighLevelError } from '../../highlevel/errors.js';
import type { Caller } from '../auth/resolve-caller.js';
import { actorOf, type ConsoleDeps } from '../console-deps.js';
import { ConsoleError } from '../console-error.js';
import { conversationOfMessage } from './read-conversations.js';

export interface Recording {
  data: Buffer;
  contentType: string;
}

export async function getRecordingForCaller(deps: ConsoleDeps, caller: Caller, messageId: string): Promise<Recording> {
  const conversation = await conversationOfMessage(deps, caller, messageId);
  const { locationId } = conversation;
  try {
    const found = await deps.highlevel.runAs(actorOf(caller), () =>
      deps.highlevel.client.conversations.getMessageRecording({ locationId, messageId }, { locationId, lane: 'agent' }),
    );
    return { data: found.data, contentType: found.contentType ?? 'audio/x-wav' };
  } catch (error) {
    if (error instanceof HighLevelError && error.status === 404) {
      throw new ConsoleError('not_found', `message ${messageId} has no recording`);
    }
    throw error;
  }
}

export type RangeAnswer =
  | { kind: 'whole' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` against a body of `size` bytes; anything else means the whole body. */
export function parseRange(header: string | undefined, size: number): RangeAnswer {
  if (!header) return { kind: 'whole' };
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return { kind: 'whole' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'whole' };
  let start: number;
  let end: number;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(first);
    end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  }
  if (start >= size || end < start) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}

/**
 * A call's transcript: get-message-transcription (sentences with `startTime`/`endTime` in ms,
 * `mediaChannel`, `transcript`; a list although the spec models one object, see
 * src/highlevel/spec/spec-defects.ts and src/highlevel/normalize-transcription.ts), cached in memory under the
 * index rows' `updated_at` (upstream-cache.ts). The joined text is stored in the message's
 * `transcript` column so the topic search finds the call.
 */
import { HighLevelError } from '../../highlevel/errors.js';
import type { Caller } from '../auth/resolve-caller.js';
import { actorOf, type ConsoleDeps } from '../console-deps.js';
import { ConsoleError } from '../console-error.js';
import { conversationOfMessage } from './read-conversations.js';
import { upstreamCacheFor } from './upstream-cache.js';
import type { TranscriptSentence, TranscriptView } from './views.js';

export async function getTranscriptForCaller(
  deps: ConsoleDeps,
  caller: Caller,
  messageId: string,
): Promise<TranscriptView> {
  const conversation = await conversationOfMessage(deps, caller, messageId);
  const missing = () => new ConsoleError('not_found', `message ${messageId} has no transcript`);
  const versions = await deps.db
    .selectFrom('index_messages')
    .innerJoin('index_conversations', 'index_conversations.conversation_id', 'index_messages.conversation_id')
    .select(['index_messages.updated_at as message_at', 'index_conversations.updated_at as conversation_at'])
    .where('index_messages.message_id', '=', messageId)
    .executeTakeFirst();
  // Any webhook on the message or its conversation bumps one of these, so the next read goes upstream.
  const version = versions ? `${versions.message_at}:${versions.conversation_at}` : `none:${deps.now()}`;
  const sentences = await upstreamCacheFor(deps).read(`transcription:${messageId}`, version, async () => {
    try {
      const answer = await deps.highlevel.runAs(actorOf(caller), () =>
        deps.highlevel.client.conversations.getMessageTranscription(
          { locationId: conversation.locationId, messageId },
          { locationId: conversation.locationId, lane: 'agent' },
        ),
      );
      return sentencesOf(answer);
    } catch (error) {
      // HighLevel answers 404 for a message that is not a transcribed call.
      if (error instanceof HighLevelError && error.status === 404) throw missing();
      throw error;
    }
  });
  if (sentences.length === 0) throw missing();
  const text = sentences.map((s) => s.text).join('\n');
  // Not through upsertMessage: a derived column is not a HighLevel change, so updated_at (the cache version) stays.
  await deps.db
    .updateTable('index_messages')
    .set({ transcript: text })
    .where('message_id', '=', messageId)
    .where((eb) => eb.or([eb('transcript', 'is', null), eb('transcript', '!=', text)]))
    .execute();
  return { messageId, conversationId: conversation.conversationId, sentences, text };
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** HighLevel's sentences in call order; times converted from ms to seconds (views.ts). */
function sentencesOf(answer: unknown): TranscriptSentence[] {
  const list = (Array.isArray(answer) ? answer : [answer]) as Record<string, unknown>[];
  return list
    .filter((s) => s !== null && typeof s === 'object' && typeof s.transcript === 'string' && s.transcript !== '')
    .sort((a, b) => (numberOrNull(a.sentenceIndex) ?? 0) - (numberOrNull(b.sentenceIndex) ?? 0))
    .map((s) => {
      const start = numberOrNull(s.startTime);
      const end = numberOrNull(s.endTime);
      return {
        startTime: start === null ? null : start / 1000,
        endTime: end === null ? null : end / 1000,
        mediaChannel: numberOrNull(s.mediaChannel),
        text: s.transcript as string,
      };
    });
}

/**
 * Who speaks a sentence, as the transcript page and the download both name them: HighLevel tells the
 * call's sides apart only by media channel, so "Channel 1", "Channel 2"; null when it gives none.
 */
export function speakerLabel(mediaChannel: number | null): string | null {
  return mediaChannel === null ? null : `Channel ${mediaChannel}`;
}

/** The download: one `[mm:ss] Channel n: text` line per sentence (`[h:mm:ss]` past an hour), as the page shows it. */
export function transcriptDownloadText(view: TranscriptView): string {
  const line = (s: TranscriptSentence) => {
    const speaker = speakerLabel(s.mediaChannel);
    return `[${clock(s.startTime ?? 0)}] ${speaker === null ? '' : `${speaker}: `}${s.text}`;
  };
  return `${view.sentences.map(line).join('\n')}\n`;
}

function clock(seconds: number): string {
  const total = Math.floor(seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  const hours = Math.floor(total / 3600);
  const rest = `${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
  return hours > 0 ? `${hours}:${rest}` : rest;
}

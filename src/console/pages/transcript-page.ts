/**
 * GET /console/messages/:messageId/transcript: a call's transcription sentence by sentence with its
 * offset (mm:ss), the recording player and a plain-text download (both served by the REST API).
 */
import type { FastifyInstance } from 'fastify';
import { ROLES } from '../auth/roles.js';
import type { ConsoleDeps } from '../console-deps.js';
import { getTranscriptForCaller, speakerLabel } from '../conversations/read-transcript.js';
import { pageCaller, sendErrorPage } from './error-page.js';
import { requirePageRole } from './page-auth.js';
import { sendPage } from './render-page.js';

/** Seconds from the start of the call as `m:ss` (`h:mm:ss` past an hour); empty when unknown. */
export function callOffset(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '';
  const whole = Math.floor(seconds);
  const s = String(whole % 60).padStart(2, '0');
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${String(minutes).padStart(2, '0')}:${s}`;
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}:${s}`;
}

export function registerTranscriptPage(app: FastifyInstance, deps: ConsoleDeps): void {
  app.get<{ Params: { messageId: string } }>(
    '/console/messages/:messageId/transcript',
    { preHandler: requirePageRole(...ROLES) },
    async (request, reply) => {
      const caller = pageCaller(request);
      const { messageId } = request.params;
      try {
        const transcript = await getTranscriptForCaller(deps, caller, messageId);
        const id = encodeURIComponent(messageId);
        return sendPage(reply, 'transcript', caller, {
          title: 'Call transcript',
          nav: 'search',
          transcript,
          sentences: transcript.sentences.map((sentence) => ({
            ...sentence,
            at: callOffset(sentence.startTime),
            speaker: speakerLabel(sentence.mediaChannel),
          })),
          downloadUrl: `/api/messages/${id}/transcript/download`,
          recordingUrl: `/api/messages/${id}/recording`,
          threadUrl: `/console/conversations/${encodeURIComponent(transcript.conversationId)}`,
        });
      } catch (error) {
        return sendErrorPage(request, reply, caller, error);
      }
    },
  );
}

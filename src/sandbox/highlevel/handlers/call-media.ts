/** Call recordings and transcriptions (get-message-recording, -transcription, download), for call messages only. */
import type { components } from '../../../highlevel/generated/conversations.js';
import { transcriptText } from '../media/transcript.js';
import { toneWav } from '../media/wav.js';
import type { MessageRecord } from '../state/records.js';
import type { SandboxState } from '../state/sandbox-state.js';
import type { SandboxRequest } from '../types.js';
import { assertLocation } from './access.js';
import { notFound } from './domain-error.js';
import type { HandlerDeps, HandlerMap } from './handler-deps.js';

type Sentence = components['schemas']['GetMessageTranscriptionResponseDto'];

function callMessage(state: SandboxState, req: SandboxRequest, missing: string): MessageRecord {
  assertLocation(req.principal, req.params.locationId ?? '');
  const message = state.messages.get(req.params.messageId ?? '');
  if (!message || message.status === 'cancelled') throw notFound(missing);
  assertLocation(req.principal, message.locationId);
  if (!message.call || !message.transcript) throw notFound(missing);
  return message;
}

export function callMediaHandlers({ state }: HandlerDeps): HandlerMap {
  /** Every recording is the same one-second tone, generated on first use. */
  let recording: Buffer | undefined;
  return {
    'get-message-recording': (req) => {
      callMessage(state, req, 'Recording not found');
      recording ??= toneWav({ seconds: 1 });
      return {
        status: 200,
        raw: recording,
        // Headers as the spec documents them for this download (get-message-recording).
        headers: { 'Content-Type': 'audio/x-wav', 'Content-Disposition': 'attachment; filename=audio.wav' },
      };
    },

    'get-message-transcription': (req) => {
      const message = callMessage(state, req, 'Transcription not found');
      // An array of sentences, not the single object the spec models: defect `transcription-single-object`.
      const body: Sentence[] = message.transcript!.map((s) => ({ ...s }));
      return { status: 200, body };
    },

    'download-message-transcription': (req) => {
      const message = callMessage(state, req, 'Transcription not found');
      return {
        status: 200,
        raw: transcriptText(message.transcript!),
        headers: {
          'Content-Type': 'text/plain',
          'Content-Disposition': 'attachment; filename="transcription.txt"',
        },
      };
    },
  };
}

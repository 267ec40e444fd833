/**
 * Call transcriptions for the sandbox: 3–6 sentences alternating agent (media channel 1) and attendee
 * (channel 2), with event-support content. get-message-transcription answers them as an array
 * (spec defect `transcription-single-object`); the download is one line per sentence.
 */
import type { TranscriptSentence } from '../state/records.js';

const SCRIPTS: readonly (readonly string[])[] = [
  [
    'Thanks for calling event support, this call may be recorded for quality assurance purposes.',
    "Hi, I registered for the summit but I haven't received my ticket email.",
    'I can help with that. I see your registration, and I have just resent the ticket to your email address.',
    'Got it, it just arrived. Thank you!',
  ],
  [
    'Event support, how can I help you today?',
    "I'd like to switch my workshop session on day two to the afternoon slot.",
    'The afternoon workshop still has seats, so I have moved you there.',
    'Great. Will my badge still work for the keynote?',
    'Yes, your badge covers the keynote and every session on your agenda.',
  ],
  [
    'Hello, you have reached the registration desk.',
    'Hi, where do I pick up my badge when I arrive at the venue?',
    'Badge pickup is at the north entrance from eight in the morning; bring the QR code from your confirmation.',
    'Perfect, and is parking included with the ticket?',
    'Parking is not included, but attendees get a discount at the garage on Main Street.',
    'Thanks, that helps a lot.',
  ],
];

/** A deterministic transcript; `variant` picks the script (e.g. the message's sequence number). */
export function transcriptFor(variant: number): TranscriptSentence[] {
  const script = SCRIPTS[Math.abs(variant) % SCRIPTS.length]!;
  const sentences: TranscriptSentence[] = [];
  let clock = 800;
  script.forEach((transcript, index) => {
    const words = transcript.split(/\s+/).length;
    const duration = words * 330; // about three words a second
    sentences.push({
      mediaChannel: (index % 2) + 1,
      sentenceIndex: index + 1,
      startTime: clock,
      endTime: clock + duration,
      transcript,
      confidence: Number((0.86 + ((variant + index) % 5) * 0.025).toFixed(3)),
    });
    clock += duration + 600;
  });
  return sentences;
}

export function transcriptDurationSeconds(sentences: readonly TranscriptSentence[]): number {
  const last = sentences[sentences.length - 1];
  return last ? Math.ceil(last.endTime / 1000) : 0;
}

function clockTime(ms: number): string {
  const total = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
}

/** The transcription download: `[00:00:01] Channel 1: …`, one line per sentence. */
export function transcriptText(sentences: readonly TranscriptSentence[]): string {
  return (
    sentences.map((s) => `[${clockTime(s.startTime)}] Channel ${s.mediaChannel}: ${s.transcript}`).join('\n') + '\n'
  );
}

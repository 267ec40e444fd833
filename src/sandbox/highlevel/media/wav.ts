/**
 * A small, valid WAV recording for call messages: RIFF/WAVE, PCM, 8 kHz, mono, 16-bit, as telephony
 * recordings are (get-message-recording answers `audio/x-wav`, specs/highlevel/apps/conversations.json).
 * The audio is two short tones, like a ring-back, so a player shows something is there.
 */
const SAMPLE_RATE = 8000;
const BITS_PER_SAMPLE = 16;
const CHANNELS = 1;

export interface ToneWavOptions {
  seconds?: number;
  frequencyHz?: number;
}

export function toneWav(options: ToneWavOptions = {}): Buffer {
  const seconds = options.seconds ?? 1;
  const frequency = options.frequencyHz ?? 440;
  const sampleCount = Math.round(SAMPLE_RATE * seconds);
  const blockAlign = (CHANNELS * BITS_PER_SAMPLE) / 8;
  const dataLength = sampleCount * blockAlign;
  const buf = Buffer.alloc(44 + dataLength);

  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + dataLength, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16); // PCM fmt chunk size
  buf.writeUInt16LE(1, 20); // audio format 1 = PCM
  buf.writeUInt16LE(CHANNELS, 22);
  buf.writeUInt32LE(SAMPLE_RATE, 24);
  buf.writeUInt32LE(SAMPLE_RATE * blockAlign, 28); // byte rate
  buf.writeUInt16LE(blockAlign, 32);
  buf.writeUInt16LE(BITS_PER_SAMPLE, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(dataLength, 40);

  for (let i = 0; i < sampleCount; i++) {
    const t = i / SAMPLE_RATE;
    // Tone for the first and third quarter of each half second, silence between.
    const audible = t % 0.5 < 0.2;
    const sample = audible ? Math.sin(2 * Math.PI * frequency * t) * 0.3 : 0;
    buf.writeInt16LE(Math.round(sample * 32767), 44 + i * blockAlign);
  }
  return buf;
}

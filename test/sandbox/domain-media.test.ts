import { describe, expect, it } from 'vitest';
import {
  createHarness,
  type DomainHarness,
  expectValid,
  LOCATION,
  OTHER_LOCATION,
  responseValidator,
} from './domain-fixtures.js';

async function withCall(h: DomainHarness) {
  const contactId = await h.contact({ email: 'kai@example.com', phone: '+14045550106' });
  const sms = await h.call('send-a-new-message', {
    body: { type: 'SMS', subType: 'SMS', status: 'pending', contactId, message: 'See you at check-in' },
  });
  const conversationId = sms.body.conversationId as string;
  const call = await h.call('add-an-inbound-message', {
    body: {
      type: 'Call',
      conversationId,
      contactId,
      conversationProviderId: 'voice-provider',
      call: { from: '+14045550106', to: '+15550100000', status: 'completed' },
    },
  });
  return { contactId, conversationId, smsId: sms.body.messageId as string, callId: call.body.messageId as string };
}

describe('sandbox domain: call recordings and transcriptions', () => {
  it('serves a call recording as a valid 8 kHz mono 16-bit PCM WAV with the documented headers', async () => {
    const h = createHarness();
    const { callId } = await withCall(h);
    const res = await h.call('get-message-recording', { params: { locationId: LOCATION, messageId: callId } });
    expect(res.status).toBe(200);
    expect(res.headers).toEqual({
      'Content-Type': 'audio/x-wav',
      'Content-Disposition': 'attachment; filename=audio.wav',
    });
    const wav = res.raw as Buffer;
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
    expect(wav.toString('ascii', 12, 16)).toBe('fmt ');
    expect(wav.readUInt16LE(20)).toBe(1); // PCM
    expect(wav.readUInt16LE(22)).toBe(1); // mono
    expect(wav.readUInt32LE(24)).toBe(8000);
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.toString('ascii', 36, 40)).toBe('data');
    const dataLength = wav.readUInt32LE(40);
    expect(dataLength).toBe(wav.length - 44);
    expect(dataLength / (8000 * 2)).toBeCloseTo(1, 1);
    expect(wav.subarray(44).some((b) => b !== 0)).toBe(true);
  });

  it('answers 404 Recording not found for a non-call message or an unknown one', async () => {
    const h = createHarness();
    const { smsId } = await withCall(h);
    const notFound = { status: 404, body: { statusCode: 404, message: 'Recording not found' } };
    expect(await h.call('get-message-recording', { params: { locationId: LOCATION, messageId: smsId } })).toEqual(
      notFound,
    );
    expect(await h.call('get-message-recording', { params: { locationId: LOCATION, messageId: 'nope' } })).toEqual(
      notFound,
    );
  });

  it('answers 403 for the recording of a call in another location', async () => {
    const h = createHarness();
    const { callId } = await withCall(h);
    const foreign = await h.call('get-message-recording', {
      params: { locationId: OTHER_LOCATION, messageId: callId },
      locationId: OTHER_LOCATION,
    });
    expect(foreign.status).toBe(403);
  });

  /** A call and its transcription as get-message-transcription answers it. */
  async function transcribedCall() {
    const h = createHarness();
    const { callId, smsId } = await withCall(h);
    const params = { locationId: LOCATION, messageId: callId };
    const res = await h.call('get-message-transcription', { params });
    return { h, smsId, params, res };
  }

  it('answers the transcription as an array of alternating sentences', async () => {
    const { res } = await transcribedCall();
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    expectValid(
      responseValidator('/conversations/locations/{locationId}/messages/{messageId}/transcription', 'get', 200),
      res.body,
    );
    expect(res.body.length).toBeGreaterThanOrEqual(3);
    expect(res.body.length).toBeLessThanOrEqual(6);
    expect(res.body.map((s: any) => s.mediaChannel)).toEqual(res.body.map((_: unknown, i: number) => (i % 2) + 1));
  });

  it('downloads the transcription as text/plain lines, one per sentence', async () => {
    const { h, params, res } = await transcribedCall();
    const download = await h.call('download-message-transcription', { params });
    expect(download.headers).toEqual({
      'Content-Type': 'text/plain',
      'Content-Disposition': 'attachment; filename="transcription.txt"',
    });
    const lines = String(download.raw).trimEnd().split('\n');
    expect(lines).toHaveLength(res.body.length);
    expect(lines[0]).toBe(`[00:00:00] Channel 1: ${res.body[0].transcript}`);
    expect(lines.every((l) => /^\[\d\d:\d\d:\d\d\] Channel [12]: .+/.test(l))).toBe(true);
  });

  it('answers 404 for the transcription of a message that is not a call', async () => {
    const { h, smsId } = await transcribedCall();
    const none = await h.call('get-message-transcription', { params: { locationId: LOCATION, messageId: smsId } });
    expect(none.status).toBe(404);
  });

  /** An outbound voicemail call added to a conversation that has a call; only its events are kept. */
  async function outboundCall() {
    const h = createHarness();
    const { conversationId } = await withCall(h);
    h.events.length = 0;
    const res = await h.call('add-an-outbound-message', {
      body: { type: 'Call', conversationId, conversationProviderId: 'voice-provider', call: { status: 'voicemail' } },
    });
    return { h, res };
  }

  it('emits OutboundMessage for an outbound call', async () => {
    const { h } = await outboundCall();
    expect(h.events).toHaveLength(1);
    expect(h.events[0]).toMatchObject({
      type: 'OutboundMessage',
      messageType: 'CALL',
      callStatus: 'voicemail',
      status: 'completed',
    });
  });

  it('records an outbound call with its call data', async () => {
    const { h, res } = await outboundCall();
    expectValid(responseValidator('/conversations/messages/outbound', 'post', 200), res.body);
    const message = await h.call('get-message', { params: { id: res.body.messageId } });
    expect(message.body).toMatchObject({
      type: 1,
      messageType: 'TYPE_CALL',
      direction: 'outbound',
      meta: { callStatus: 'voicemail' },
    });
  });

  it('gives an outbound call its own recording', async () => {
    const { h, res } = await outboundCall();
    const recording = await h.call('get-message-recording', {
      params: { locationId: LOCATION, messageId: res.body.messageId },
    });
    expect(recording.status).toBe(200);
  });
});

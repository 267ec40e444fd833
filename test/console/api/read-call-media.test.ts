/**
 * A call's transcript and recording through the console API against the sandbox: the JSON view, the
 * download's headers and lines, the recording's bytes and Range slices, the transcription cache and
 * its invalidation by a webhook applied to the index (as a worker process would), and the audit actor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';

describe.each(DATABASE_KINDS)('console transcript and recording [%s]', (kind) => {
  let harness: ConsoleApp;
  let callMessageId: string;
  let conversationId: string;
  // The webhook below must land on a later millisecond than the sync, or updated_at would not move.
  let skew = 0;

  async function transcriptionCalls(): Promise<number> {
    const rows = await harness.deps.db
      .selectFrom('highlevel_calls')
      .select('id')
      .where('operation_id', '=', 'get-message-transcription')
      .where('actor', 'like', 'user:%')
      .execute();
    return rows.length;
  }

  async function sandboxRecording(): Promise<Buffer> {
    const { accessToken } = harness.sandbox.sandbox.issueToken({ locationId: harness.locationId });
    const response = await fetch(
      `${harness.sandbox.url}/conversations/messages/${callMessageId}/locations/${harness.locationId}/recording`,
      { headers: { authorization: `Bearer ${accessToken}`, version: '2021-04-15' } },
    );
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  }

  beforeAll(async () => {
    harness = await startConsoleApp(kind, { attendees: 4, now: () => Date.now() + skew });
    const call = await harness.deps.db
      .selectFrom('index_messages')
      .select(['message_id', 'conversation_id'])
      .where('type', '=', 'TYPE_CALL')
      .executeTakeFirstOrThrow();
    callMessageId = call.message_id;
    conversationId = call.conversation_id;
    // Forget what the sync stored, so the test sees the console put it back.
    await harness.deps.db
      .updateTable('index_messages')
      .set({ transcript: null })
      .where('message_id', '=', callMessageId)
      .execute();
  });
  afterAll(async () => harness?.close());

  const readTranscript = () =>
    harness.app.inject({ url: `/api/messages/${callMessageId}/transcript`, headers: harness.auth('viewer') });

  it('answers the transcript as sentences in seconds', async () => {
    const response = await readTranscript();
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.messageId).toBe(callMessageId);
    expect(body.conversationId).toBe(conversationId);
    expect(body.sentences.length).toBeGreaterThanOrEqual(3);
    // The sandbox's first sentence starts 800 ms into the call (get-message-transcription gives ms).
    expect(body.sentences[0]).toMatchObject({ startTime: 0.8, mediaChannel: 1 });
    expect(body.text).toBe(body.sentences.map((s: { text: string }) => s.text).join('\n'));
  });

  it('stores the transcript text for the topic search', async () => {
    const body = (await readTranscript()).json();
    const stored = await harness.deps.db
      .selectFrom('index_messages')
      .select('transcript')
      .where('message_id', '=', callMessageId)
      .executeTakeFirstOrThrow();
    expect(stored.transcript).toBe(body.text);
  });

  it('downloads the transcript as a UTF-8 text attachment with one [mm:ss] line per sentence, speaker labels kept', async () => {
    const json = (
      await harness.app.inject({ url: `/api/messages/${callMessageId}/transcript`, headers: harness.auth('agent') })
    ).json();
    const response = await harness.app.inject({
      url: `/api/messages/${callMessageId}/transcript/download`,
      headers: harness.auth('agent'),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="transcript-${callMessageId}.txt"`);
    const lines = response.body.trimEnd().split('\n');
    expect(lines.length).toBe(json.sentences.length);
    // The page names each sentence's speaker by media channel; the download says the same.
    expect(lines[0]).toBe(`[00:00] Channel ${json.sentences[0].mediaChannel}: ${json.sentences[0].text}`);
    for (const line of lines) expect(line).toMatch(/^\[\d{2}:\d{2}\] Channel \d+: \S/);
  });

  it('serves repeated transcript reads from the cache until a webhook touches the conversation', async () => {
    const url = `/api/messages/${callMessageId}/transcript`;
    await harness.app.inject({ url, headers: harness.auth('viewer') });
    const warm = await transcriptionCalls();
    await harness.app.inject({ url, headers: harness.auth('viewer') });
    await harness.app.inject({ url: `${url}/download`, headers: harness.auth('viewer') });
    expect(await transcriptionCalls()).toBe(warm);

    skew += 1000;
    const outcome = await harness.deps.index.applyWebhookEvent({
      type: 'ConversationUnreadUpdate',
      locationId: harness.locationId,
      id: conversationId,
      unreadCount: 0,
    });
    expect(outcome).toBe('unread_applied');
    await harness.app.inject({ url, headers: harness.auth('viewer') });
    expect(await transcriptionCalls()).toBe(warm + 1);
    await harness.app.inject({ url, headers: harness.auth('viewer') });
    expect(await transcriptionCalls()).toBe(warm + 1);
  });

  it('answers 404 not_found for the call media of a message that is no call', async () => {
    const sms = await harness.deps.db
      .selectFrom('index_messages')
      .select('message_id')
      .where('type', '!=', 'TYPE_CALL')
      .executeTakeFirstOrThrow();
    for (const path of ['transcript', 'transcript/download', 'recording']) {
      const response = await harness.app.inject({
        url: `/api/messages/${sms.message_id}/${path}`,
        headers: harness.auth('viewer'),
      });
      expect({ path, status: response.statusCode, error: response.json().error }).toEqual({
        path,
        status: 404,
        error: 'not_found',
      });
    }
  });

  it('streams the recording byte for byte as HighLevel has it', async () => {
    const expected = await sandboxRecording();
    const response = await harness.app.inject({
      url: `/api/messages/${callMessageId}/recording`,
      headers: harness.auth('viewer'),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('audio/x-wav');
    expect(response.headers['accept-ranges']).toBe('bytes');
    expect(response.headers['content-length']).toBe(String(expected.length));
    expect(response.headers['content-disposition']).toMatch(/^inline; /);
    expect(Buffer.compare(response.rawPayload, expected)).toBe(0);
  });

  it('answers a Range request with exactly the asked slice (206)', async () => {
    const expected = await sandboxRecording();
    const partial = await harness.app.inject({
      url: `/api/messages/${callMessageId}/recording`,
      headers: { ...harness.auth('viewer'), range: 'bytes=100-1099' },
    });
    expect(partial.statusCode).toBe(206);
    expect(partial.headers['content-range']).toBe(`bytes 100-1099/${expected.length}`);
    expect(partial.headers['content-length']).toBe('1000');
    expect(Buffer.compare(partial.rawPayload, expected.subarray(100, 1100))).toBe(0);

    const tail = await harness.app.inject({
      url: `/api/messages/${callMessageId}/recording`,
      headers: { ...harness.auth('viewer'), range: 'bytes=-10' },
    });
    expect(tail.statusCode).toBe(206);
    expect(Buffer.compare(tail.rawPayload, expected.subarray(expected.length - 10))).toBe(0);
  });

  it('answers 416 for a Range past the end', async () => {
    const expected = await sandboxRecording();
    const beyond = await harness.app.inject({
      url: `/api/messages/${callMessageId}/recording`,
      headers: { ...harness.auth('viewer'), range: `bytes=${expected.length}-` },
    });
    expect(beyond.statusCode).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${expected.length}`);
  });

  it('records every console read of HighLevel in the audit table under user:<id>', async () => {
    const viewer = await harness.deps.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', harness.email('viewer'))
      .executeTakeFirstOrThrow();
    const rows = await harness.deps.db
      .selectFrom('highlevel_calls')
      .select(['operation_id', 'actor'])
      .where('operation_id', 'in', ['get-message-recording', 'get-message-transcription'])
      .where('actor', 'like', 'user:%')
      .execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.filter((r) => r.operation_id === 'get-message-recording').map((r) => r.actor))).toEqual(
      new Set([`user:${viewer.id}`]),
    );
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHighLevelClient, type HighLevelClientOptions } from '../../src/highlevel/client.js';
import { HighLevelCancelFailedError, HighLevelInvalidCallError } from '../../src/highlevel/errors.js';
import { CONVERSATION_OPERATIONS } from '../../src/highlevel/generated/operations.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { type ScriptedServer, startScriptedServer } from '../helpers/scripted-server.js';

const TOKEN = 'tok-requests-0123456789';
let server: ScriptedServer;

beforeEach(async () => {
  server = await startScriptedServer();
});
afterEach(async () => {
  await server.close();
});

function client(overrides: Partial<HighLevelClientOptions> = {}) {
  return createHighLevelClient({
    baseUrl: server.url,
    auth: { getAccessToken: async () => TOKEN },
    sleep: async () => {},
    maxRetries: 0,
    logger: createLogger({ level: 'silent' }),
    ...overrides,
  });
}

/** Inputs that satisfy every required parameter and body of an operation. */
function completeInput(op: (typeof CONVERSATION_OPERATIONS)[number]) {
  const path: Record<string, string> = {};
  for (const match of op.path.matchAll(/\{([^}]+)\}/g)) path[match[1] as string] = `p-${match[1]}`;
  const query: Record<string, string> = {};
  for (const param of op.queryParams) if (param.required) query[param.name] = `q-${param.name}`;
  const body = op.bodyContentType ? { locationId: 'loc-1', conversationId: 'c-1', contactId: 'ct-1' } : undefined;
  return { path, query, body };
}

describe('HighLevel request core: what goes on the wire', () => {
  it('sends the standard request headers on all 29 operations, including the two whose spec declares no Version', async () => {
    const api = client();
    for (const op of CONVERSATION_OPERATIONS) {
      server.enqueue({ status: 200, json: op.operationId.startsWith('get-messages') ? { messages: [] } : [] });
      await api.call(op.operationId, completeInput(op)).catch(() => {});
    }
    expect(server.requests).toHaveLength(29);
    for (const req of server.requests) {
      expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(req.headers.version).toBe('2021-04-15');
      expect(req.headers.accept).toBe('application/json');
    }
    const exempt = server.requests.filter((r) => r.url.startsWith('/conversations/messages/email/'));
    expect(exempt.map((r) => r.method).sort()).toEqual(['DELETE', 'GET']);
  });

  it("encodes the call's parameters into the request URL", async () => {
    server.enqueue({ json: { lastMessageId: 'm', nextPage: false, messages: [] } });
    await client().call('get-messages', {
      path: { conversationId: 'a/b c' },
      query: { type: ['TYPE_SMS', 'TYPE_EMAIL'], limit: 5, lastMessageId: undefined },
    });
    expect(server.requests[0]?.method).toBe('GET');
    expect(server.requests[0]?.url).toBe('/conversations/a%2Fb%20c/messages?type=TYPE_SMS&type=TYPE_EMAIL&limit=5');
  });

  it('refuses a call missing a required path parameter before sending it', async () => {
    const error = await client()
      .call('get-message-recording', { path: { locationId: 'loc-1' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HighLevelInvalidCallError);
    expect(error).toMatchObject({ code: 'invalid_call', parameter: 'messageId', place: 'path' });
    expect(String(error)).toContain('"messageId"');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a call missing a required query parameter before sending it', async () => {
    const error = await client()
      .call('search-conversation', { query: { contactId: 'c1' } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_call', parameter: 'locationId', place: 'query' });
    expect(server.requests).toHaveLength(0);
  });

  it('rejects an unknown operationId by name, with the closest known names', async () => {
    const error = await client()
      .call('get-conversatoin')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unknown_operation', operationId: 'get-conversatoin' });
    expect((error as { suggestions: string[] }).suggestions[0]).toBe('get-conversation');
    expect(String(error)).toContain('get-conversatoin');
  });

  async function createConversationSeeingTokenRequests() {
    const seen: unknown[] = [];
    server.enqueue({ status: 201, json: { success: true, conversation: { id: 'c1' } } });
    const result = await client({
      auth: {
        getAccessToken: async (ctx) => {
          seen.push(ctx);
          return TOKEN;
        },
      },
    }).conversations.createConversation({ locationId: 'loc-9', contactId: 'ct-1' });
    return { seen, result };
  }

  it('passes the locationId from the body to the token provider', async () => {
    const { seen } = await createConversationSeeingTokenRequests();
    expect(seen).toEqual([{ locationId: 'loc-9', operationId: 'create-conversation', forceRefresh: false }]);
  });

  it('sends a JSON body', async () => {
    const { result } = await createConversationSeeingTokenRequests();
    expect(result).toEqual({ success: true, conversation: { id: 'c1' } });
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(server.requests[0]?.body.toString() ?? '')).toEqual({ locationId: 'loc-9', contactId: 'ct-1' });
  });

  it('fills the typed send\'s defaults: subType from type, status "pending"', async () => {
    server.enqueue({ json: { conversationId: 'c1', messageId: 'm1' } });
    await client().conversations.sendMessage({ type: 'SMS', contactId: 'ct-1', message: 'hi' });
    expect(JSON.parse(server.requests[0]?.body.toString() ?? '')).toEqual({
      type: 'SMS',
      contactId: 'ct-1',
      message: 'hi',
      subType: 'SMS',
      status: 'pending',
    });
  });

  it('sends an upload as multipart form data, each file under fileAttachment', async () => {
    server.enqueue({ json: { uploadedFiles: { 'a.txt': 'https://cdn/a.txt' } } });
    const result = await client().conversations.uploadFileAttachments(
      { conversationId: 'c1', contactId: 'ct1', locationId: 'loc1', attachmentUrls: ['https://x/1', 'https://x/2'] },
      [{ name: 'a.txt', data: Buffer.from('hello file'), contentType: 'text/plain' }],
    );
    expect(result.uploadedFiles).toEqual({ 'a.txt': 'https://cdn/a.txt' });
    const recorded = server.requests[0]!;
    expect(recorded.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const form = await new Request('http://x/', {
      method: 'POST',
      headers: { 'content-type': String(recorded.headers['content-type']) },
      body: recorded.body,
    }).formData();
    const file = form.get('fileAttachment') as File;
    expect(file.name).toBe('a.txt');
    expect(await file.text()).toBe('hello file');
    expect(form.getAll('attachmentUrls')).toEqual(['https://x/1', 'https://x/2']);
    expect(form.get('locationId')).toBe('loc1');
  });
  it('upserts a contact with the Contacts API version 2021-07-28', async () => {
    const contact = { id: 'ct-1', locationId: 'loc-1', email: 'a@b.co' };
    server.enqueue({ json: { new: true, contact } });
    const api = client();
    expect(await api.contacts.upsertContact({ locationId: 'loc-1', email: 'a@b.co' })).toEqual({ new: true, contact });
    expect(server.requests.map((r) => [r.method, r.url, r.headers.version])).toEqual([
      ['POST', '/contacts/upsert', '2021-07-28'],
    ]);
  });

  it('reads a contact with the Contacts API version 2021-07-28', async () => {
    const contact = { id: 'ct-1', locationId: 'loc-1', email: 'a@b.co' };
    server.enqueue({ json: { contact } });
    const api = client();
    expect(await api.contacts.getContact('ct-1', { locationId: 'loc-1' })).toEqual({ contact });
    expect(server.requests.map((r) => [r.method, r.url, r.headers.version])).toEqual([
      ['GET', '/contacts/ct-1', '2021-07-28'],
    ]);
  });

  it('stops at once, without retrying, when the caller aborts a hanging call', async () => {
    server.enqueue({ hang: true }, { json: { id: 'c1' } });
    const controller = new AbortController();
    const pending = client({ maxRetries: 3 }).call('get-conversation', {
      path: { conversationId: 'c1' },
      signal: controller.signal,
    });
    while (server.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error('agent closed the page'));
    await expect(pending).rejects.toThrow('agent closed the page');
    expect(server.requests).toHaveLength(1);
  });
});

describe('HighLevel request core: reading answers', () => {
  it('returns the recording as a Buffer described by its response headers', async () => {
    const wav = Buffer.from([0x52, 0x49, 0x46, 0x46, 0x00, 0xff]);
    server.enqueue({
      body: wav,
      headers: { 'content-type': 'audio/x-wav', 'content-disposition': 'Attachment; filename=audio.wav' },
    });
    const recording = await client().conversations.getMessageRecording({ locationId: 'l1', messageId: 'm1' });
    expect(Buffer.isBuffer(recording.data)).toBe(true);
    expect(recording.data.equals(wav)).toBe(true);
    expect(recording).toMatchObject({ contentType: 'audio/x-wav', filename: 'audio.wav' });
    expect(server.requests[0]?.url).toBe('/conversations/messages/m1/locations/l1/recording');
  });

  it('returns the transcription download as text with its quoted filename', async () => {
    server.enqueue({
      body: 'Agent: hello\nGuest: hi',
      headers: { 'content-type': 'text/plain', 'content-disposition': 'attachment; filename="transcription.txt"' },
    });
    const text = await client().conversations.downloadMessageTranscription({ locationId: 'l1', messageId: 'm1' });
    expect(text).toEqual({ data: 'Agent: hello\nGuest: hi', contentType: 'text/plain', filename: 'transcription.txt' });
  });

  it('returns get-messages flat whether HighLevel answers wrapped or flat', async () => {
    const page = { lastMessageId: 'm2', nextPage: true, messages: [{ id: 'm1' }, { id: 'm2' }] };
    server.enqueue({ json: { messages: page } }, { json: page });
    const api = client();
    expect(await api.conversations.getMessages('c1')).toEqual(page);
    expect(await api.conversations.getMessages('c1')).toEqual(page);
  });

  it('wraps a single transcription sentence object into an array', async () => {
    const sentence = { mediaChannel: 1, sentenceIndex: 0, startTime: 0, endTime: 9, transcript: 'hi', confidence: 0.9 };
    server.enqueue({ json: sentence }, { json: [sentence, { ...sentence, sentenceIndex: 1 }] });
    const api = client();
    expect(await api.conversations.getMessageTranscription({ locationId: 'l', messageId: 'm' })).toEqual([sentence]);
    expect(await api.conversations.getMessageTranscription({ locationId: 'l', messageId: 'm' })).toHaveLength(2);
  });

  it('throws cancel_failed when a cancel answers HTTP 200 with body status 404', async () => {
    server.enqueue({ json: { status: 404, message: 'Failed cancel the scheduled message' } });
    const api = client();
    const error = await api.conversations.cancelScheduledEmail('e1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HighLevelCancelFailedError);
    expect(error).toMatchObject({ code: 'cancel_failed', status: 200, bodyStatus: 404 });
    expect((error as Error).message).toContain('Failed cancel the scheduled message');
  });

  it('returns the body of a cancel that answers body status 200', async () => {
    server.enqueue({ json: { status: 200, message: 'Cancelled' } });
    const api = client();
    expect(await api.conversations.cancelScheduledMessage('m1')).toEqual({ status: 200, message: 'Cancelled' });
  });

  it('parses the five rate-limit headers on a success', async () => {
    server.enqueue({
      json: { id: 'c1' },
      headers: {
        'x-ratelimit-max': '100',
        'x-ratelimit-remaining': '97',
        'x-ratelimit-interval-milliseconds': '10000',
        'x-ratelimit-limit-daily': '200000',
        'x-ratelimit-daily-remaining': '199990',
      },
    });
    const result = await client().call('get-conversation', { path: { conversationId: 'c1' } });
    expect(result.rateLimit).toEqual({
      max: 100,
      remaining: 97,
      intervalMs: 10000,
      dailyLimit: 200000,
      dailyRemaining: 199990,
    });
    expect(result.status).toBe(200);
  });

  it('exposes the response headers as a lower-cased record on a success', async () => {
    server.enqueue({ json: { id: 'c1' }, headers: { 'X-Trace-Id': 'trace-7', 'x-ratelimit-remaining': '5' } });
    const result = await client().call('get-conversation', { path: { conversationId: 'c1' } });
    expect(result.headers).toMatchObject({ 'x-trace-id': 'trace-7', 'x-ratelimit-remaining': '5' });
    expect(result.headers['content-type']).toContain('application/json');
  });

  it('answers invalid_response when a JSON operation returns something that is not JSON', async () => {
    server.enqueue({ body: '<html>gateway</html>', headers: { 'content-type': 'text/html' } });
    const error = await client()
      .call('get-conversation', { path: { conversationId: 'c1' } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_response', status: 200 });
  });
});

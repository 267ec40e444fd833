import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoHandlers, readJson, type SandboxHandle, withSandbox } from '../helpers/sandbox.js';

let handle: SandboxHandle;
let authorization: string;

beforeAll(async () => {
  handle = await withSandbox({ handlers: echoHandlers() });
  authorization = `Bearer ${handle.sandbox.issueToken().accessToken}`;
});

afterAll(async () => {
  await handle?.close();
});

function call(
  path: string,
  init: { method?: string; body?: string | FormData; headers?: Record<string, string> } = {},
) {
  return fetch(`${handle.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization, version: '2021-04-15', ...init.headers },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
}

const json = { 'content-type': 'application/json' };

describe('sandbox request validation', () => {
  it('answers 422 naming every invalid body field, missing or wrongly typed', async () => {
    const res = await call('/conversations/', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ contactId: 42 }),
    });
    expect(res.status).toBe(422);
    expect(await readJson(res)).toEqual({
      statusCode: 422,
      message: ['locationId is required and must be a string', 'contactId must be a string'],
      error: 'Unprocessable Entity',
    });
  });

  /** A send with a type outside its enum and a number among its attachments; the 422 messages. */
  async function badSendMessages(): Promise<string[]> {
    const res = await call('/conversations/messages', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ type: 'Pigeon', contactId: 'c1', subType: 'SMS', status: 'pending', attachments: [1] }),
    });
    expect(res.status).toBe(422);
    return (await readJson(res)).message;
  }

  it('names the allowed enum values in a 422 message', async () => {
    expect(await badSendMessages()).toContain(
      'type must be one of the following values: SMS, RCS, Email, WhatsApp, IG, FB, Custom, Live_Chat, TIKTOK',
    );
  });

  it('names the failing array item in a 422 message', async () => {
    expect(await badSendMessages()).toContain('attachments[0] must be a string');
  });

  it('passes unknown body properties through to the handler', async () => {
    const body = { locationId: 'L1', contactId: 'c1', extra: { nested: true } };
    const res = await call('/conversations/', { method: 'POST', headers: json, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    expect((await readJson(res)).body).toEqual(body);
  });

  it('accepts POST /conversations with or without the trailing slash the spec publishes', async () => {
    const body = JSON.stringify({ locationId: 'L1', contactId: 'c1' });
    for (const path of ['/conversations/', '/conversations']) {
      const res = await call(path, { method: 'POST', headers: json, body });
      expect(res.status, path).toBe(200);
      expect((await readJson(res)).operationId).toBe('create-conversation');
    }
  });

  it('answers 400 BadRequestDTO for malformed JSON', async () => {
    const res = await call('/conversations/', { method: 'POST', headers: json, body: '{"contactId": ' });
    expect(res.status).toBe(400);
    const body = await readJson(res);
    expect(body.statusCode).toBe(400);
    expect(body.message).toMatch(/JSON/);
    expect(res.headers.get('x-ratelimit-remaining')).not.toBeNull();
  });

  it('takes an empty body sent as application/json on a DELETE as no body, as the official SDK sends them', async () => {
    for (const path of [
      '/conversations/conv1',
      '/conversations/messages/m1/schedule',
      '/conversations/messages/email/em1/schedule',
    ]) {
      const res = await call(path, { method: 'DELETE', headers: json, body: '' });
      expect(res.status, path).toBe(200);
      expect((await readJson(res)).body, path).toBeNull();
    }
  });

  it('answers 422 naming the required fields for an empty body sent as application/json on a POST', async () => {
    const res = await call('/conversations/', { method: 'POST', headers: json, body: '' });
    expect(res.status).toBe(422);
    expect((await readJson(res)).message).toEqual([
      'locationId is required and must be a string',
      'contactId is required and must be a string',
    ]);
  });

  it('answers 400 naming the expected content type for a form-encoded body on a JSON operation', async () => {
    const res = await call('/conversations/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'locationId=L1&contactId=c1',
    });
    expect(res.status).toBe(400);
    expect(await readJson(res)).toEqual({ statusCode: 400, message: 'Content-Type must be application/json' });
  });

  it('coerces query values to the spec types, leaving comma lists as strings', async () => {
    const res = await call('/conversations/search?locationId=L1&limit=5&startAfterDate=1700000000000&assignedTo=u1,u2');
    expect(res.status).toBe(200);
    expect((await readJson(res)).query).toEqual({
      locationId: 'L1',
      limit: 5,
      startAfterDate: 1700000000000,
      assignedTo: 'u1,u2',
    });
  });

  it('answers 422 naming every invalid query parameter, missing or not numeric', async () => {
    const res = await call('/conversations/search?limit=many');
    expect(res.status).toBe(422);
    expect((await readJson(res)).message).toEqual([
      'locationId is required and must be a string',
      'limit must be a number',
    ]);
  });

  it('checks each part of a comma-separated enum filter (get-messages type)', async () => {
    const ok = await call('/conversations/c1/messages?type=TYPE_SMS,TYPE_CALL');
    expect(ok.status).toBe(200);
    expect((await readJson(ok)).query.type).toBe('TYPE_SMS,TYPE_CALL');
    const bad = await call('/conversations/c1/messages?type=TYPE_SMS,TYPE_PIGEON');
    expect(bad.status).toBe(422);
    expect((await readJson(bad)).message[0]).toMatch(
      /^type must be a comma-separated list of the following values: TYPE_CALL/,
    );
  });

  it('answers NestJS-style 404 with rate-limit headers for an unknown path under the API', async () => {
    const res = await call('/conversations/c1/nothing-here');
    expect(res.status).toBe(404);
    expect(await readJson(res)).toEqual({ statusCode: 404, message: 'Cannot GET /conversations/c1/nothing-here' });
    expect(res.headers.get('x-ratelimit-max')).toBe('100');
  });

  it('answers 422 naming the contact field for the contact upsert operation', async () => {
    const res = await call('/contacts/upsert', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email: 'a@b.c' }),
    });
    expect(res.status).toBe(422);
    expect((await readJson(res)).message).toEqual(['locationId is required and must be a string']);
  });
});

describe('sandbox file upload (multipart)', () => {
  function form(fields: Record<string, string>, files: { name: string; size: number }[] = [], key = 'fileAttachment') {
    const data = new FormData();
    for (const [k, v] of Object.entries(fields)) data.append(k, v);
    for (const f of files) data.append(key, new Blob([Buffer.alloc(f.size, 7)], { type: 'image/png' }), f.name);
    return data;
  }
  const ids = { conversationId: 'conv1', contactId: 'c1', locationId: 'L1' };

  it('parses a multipart upload for the handler: text fields as body, fileAttachment parts as files', async () => {
    const res = await call('/conversations/messages/upload', {
      method: 'POST',
      body: form(ids, [
        { name: 'a.png', size: 10 },
        { name: 'b.png', size: 20 },
      ]),
    });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body.body).toEqual(ids);
    expect(body.files).toEqual([
      { field: 'fileAttachment', filename: 'a.png', contentType: 'image/png', size: 10 },
      { field: 'fileAttachment', filename: 'b.png', contentType: 'image/png', size: 20 },
    ]);
  });

  it('accepts attachmentUrls without files, one URL as a list of one', async () => {
    const res = await call('/conversations/messages/upload', {
      method: 'POST',
      body: form({ ...ids, attachmentUrls: 'https://example.com/a.pdf' }),
    });
    expect(res.status).toBe(200);
    expect((await readJson(res)).body.attachmentUrls).toEqual(['https://example.com/a.pdf']);
  });

  it('answers 422 when neither fileAttachment nor attachmentUrls is sent', async () => {
    const none = await call('/conversations/messages/upload', { method: 'POST', body: form(ids) });
    expect(none.status).toBe(422);
    expect((await readJson(none)).message[0]).toMatch(/^fileAttachment or attachmentUrls is required/);
  });

  it('answers 422 naming the missing ids of an upload', async () => {
    const noIds = await call('/conversations/messages/upload', {
      method: 'POST',
      body: form({ conversationId: 'conv1' }, [{ name: 'a.png', size: 1 }]),
    });
    expect(noIds.status).toBe(422);
    expect((await readJson(noIds)).message).toEqual([
      'contactId is required and must be a string',
      'locationId is required and must be a string',
    ]);
  });

  it('answers 413 UploadFilesErrorResponseDto for a file over 5 MB', async () => {
    const res = await call('/conversations/messages/upload', {
      method: 'POST',
      body: form(ids, [{ name: 'big.png', size: 5 * 1024 * 1024 + 1 }]),
    });
    expect(res.status).toBe(413);
    const body = await readJson(res);
    expect(body.status).toBe(413);
    expect(body.message).toMatch(/5 MB/);
  });

  it('answers 415 UploadFilesErrorResponseDto when the upload is not multipart', async () => {
    const res = await call('/conversations/messages/upload', {
      method: 'POST',
      headers: json,
      body: JSON.stringify(ids),
    });
    expect(res.status).toBe(415);
    expect(await readJson(res)).toEqual({ status: 415, message: 'Content-Type must be multipart/form-data' });
  });
});

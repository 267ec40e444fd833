import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHighLevelClient } from '../../src/highlevel/client.js';
import { HighLevelError } from '../../src/highlevel/errors.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { type ScriptedServer, startScriptedServer, unusedPort } from '../helpers/scripted-server.js';

const TOKEN = 'pit-SECRET-7f3c2a9e-token-value';
let server: ScriptedServer;
let logged: string;

beforeEach(async () => {
  server = await startScriptedServer();
  logged = '';
});
afterEach(async () => {
  await server.close();
});

function client(baseUrl = server.url) {
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logged += chunk.toString();
      done();
    },
  });
  return createHighLevelClient({
    baseUrl,
    auth: { getAccessToken: async () => TOKEN },
    sleep: async () => {},
    maxRetries: 1,
    logger: createLogger({ level: 'trace', destination }),
  });
}

async function failure(promise: Promise<unknown>): Promise<HighLevelError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HighLevelError);
  return error as HighLevelError;
}

function expectNoToken(error: HighLevelError) {
  for (const rendering of [String(error), error.message, JSON.stringify(error), error.stack ?? '', logged]) {
    expect(rendering).not.toContain(TOKEN);
  }
}

describe('HighLevel errors and logs never carry the token', () => {
  it('redacts the Authorization header in the request copy of a 401 error', async () => {
    server.enqueue({ status: 401 }, { status: 401, json: { message: 'Invalid JWT', traceId: 'tr-1' } });
    const error = await failure(client().call('get-conversation', { path: { conversationId: 'c1' } }));
    expect(error.code).toBe('unauthorized');
    expect(error.traceId).toBe('tr-1');
    expect(error.request?.headers.authorization).toBe('[redacted]');
    expect(error.request?.headers.version).toBe('2021-04-15');
    expectNoToken(error);
    // The request did carry it: the redaction is of the copy, not of the call.
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(logged).toContain('"operationId":"get-conversation"');
  });

  it('scrubs the token when a server echoes it in an error message', async () => {
    server.enqueue({ status: 400, json: { message: `token ${TOKEN} is not valid for this location` } });
    const error = await failure(client().call('get-conversation', { path: { conversationId: 'c1' } }));
    expect(error.messages).toEqual(['token [redacted] is not valid for this location']);
    expectNoToken(error);
  });

  it('leaves the query string (which can hold attendee emails) out of the request copy', async () => {
    server.enqueue({ status: 400, json: { message: 'bad' } });
    const error = await failure(
      client().call('get-contact-unsubscription-status', {
        query: { locationId: 'loc-1', contactId: 'ct-1', email: 'attendee@example.com' },
      }),
    );
    expect(server.requests[0]?.url).toContain('email=attendee%40example.com');
    expect(error.request?.url).toBe(`${server.url}/conversations/preferences/unsubscriptions/status`);
    expect(JSON.stringify(error)).not.toContain('attendee');
  });

  it('keeps the token out of a network error, as thrown or logged', async () => {
    const error = await failure(
      client(`http://127.0.0.1:${await unusedPort()}`).call('get-conversation', { path: { conversationId: 'c1' } }),
    );
    expect(error).toMatchObject({ code: 'network_error', status: null });
    expect((error as unknown as { causeCode: string }).causeCode).toBe('ECONNREFUSED');
    expectNoToken(error);
    expect(logged).toContain('"code":"network_error"');
  });

  async function createConversationLogged() {
    server.enqueue({ json: { conversation: { id: 'c1', secretBody: 'attendee@example.com' } } });
    await client().call('create-conversation', { body: { locationId: 'loc-1', contactId: 'ct-1' } });
  }

  it("logs the call's details on success", async () => {
    await createConversationLogged();
    const line = JSON.parse(logged.trim().split('\n').at(-1) ?? '{}');
    expect(line).toMatchObject({ operationId: 'create-conversation', status: 200, attempt: 1, locationId: 'loc-1' });
    expect(typeof line.durationMs).toBe('number');
  });

  it('logs neither the response body nor the token on success', async () => {
    await createConversationLogged();
    expect(logged).not.toContain('attendee@example.com');
    expect(logged).not.toContain(TOKEN);
  });
});

/**
 * Input the console API must refuse cleanly, through the real console, sandbox and database (both
 * kinds): a NUL byte in a body field, query parameter or path parameter is a 400 naming the field,
 * with nothing sent to HighLevel; a reply HighLevel accepted stays a success when its local copy
 * cannot be stored; a multipart upload cut off mid-part is a 400 naming the problem.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxState } from '../../../src/sandbox/highlevel/state/sandbox-state.js';
import { type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';
import { reachableConversations } from './reachable-conversations.js';

describe.each(DATABASE_KINDS)('console API hostile input [%s]', (kind) => {
  let harness: ConsoleApp;
  let state: SandboxState;
  let conversations: string[];

  beforeAll(async () => {
    harness = await startConsoleApp(kind, { attendees: 8 });
    ({ state, ids: conversations } = await reachableConversations(harness));
  });
  afterAll(async () => harness?.close());

  const conversation = (n: number) => conversations[n] as string;

  const replyWithNul = (id: string) =>
    harness.app.inject({
      method: 'POST',
      url: `/api/conversations/${id}/messages`,
      headers: harness.auth('agent'),
      payload: { type: 'SMS', message: 'see you\u0000 at booth 12' },
    });

  it('refuses a reply with a NUL byte in its text, naming the field', async () => {
    const response = await replyWithNul(conversation(0));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_request', field: 'message' });
    expect(response.json().message).toContain('NUL');
  });

  it('sends nothing to HighLevel for a reply with a NUL byte', async () => {
    const id = conversation(0);
    const before = state.messages.thread(id).length;
    await replyWithNul(id);
    expect(state.messages.thread(id)).toHaveLength(before);
  });

  it('refuses a NUL byte in a search parameter, naming it', async () => {
    const search = await harness.app.inject({
      url: '/api/conversations?name=Ada%00Lovelace',
      headers: harness.auth('viewer'),
    });
    expect(search.statusCode).toBe(400);
    expect(search.json()).toMatchObject({ error: 'invalid_request', field: 'name' });
  });

  it('refuses a NUL byte in a path parameter, naming it', async () => {
    const path = await harness.app.inject({
      url: `/api/conversations/${conversation(1)}%00x/messages`,
      headers: harness.auth('viewer'),
    });
    expect(path.statusCode).toBe(400);
    expect(path.json()).toMatchObject({ error: 'invalid_request', field: 'conversationId' });
  });

  it('answers a reply HighLevel accepted with 201 even when its local copy cannot be stored', async () => {
    const id = conversation(2);
    const before = state.messages.thread(id).length;
    const db = harness.deps.db;
    // The index refuses every new message, as a full disk or a dropped connection would.
    if (kind === 'sqlite') {
      await sql`create trigger refuse_local_copy before insert on index_messages begin select raise(abort, 'local copy refused'); end`.execute(
        db,
      );
    } else {
      await sql`create function refuse_local_copy() returns trigger language plpgsql as $$ begin raise exception 'local copy refused'; end $$`.execute(
        db,
      );
      await sql`create trigger refuse_local_copy before insert on index_messages for each row execute function refuse_local_copy()`.execute(
        db,
      );
    }
    try {
      const response = await harness.app.inject({
        method: 'POST',
        url: `/api/conversations/${id}/messages`,
        headers: harness.auth('agent'),
        payload: { type: 'SMS', message: 'Doors open at nine' },
      });
      expect(response.statusCode).toBe(201);
      const { messageId } = response.json<{ messageId: string }>();
      expect(state.messages.thread(id)).toHaveLength(before + 1);
      expect(state.messages.get(messageId)).toMatchObject({ body: 'Doors open at nine' });
      const indexed = await db
        .selectFrom('index_messages')
        .select('message_id')
        .where('message_id', '=', messageId)
        .executeTakeFirst();
      expect(indexed).toBeUndefined();
    } finally {
      await sql`drop trigger refuse_local_copy${sql.raw(kind === 'postgres' ? ' on index_messages' : '')}`.execute(db);
      if (kind === 'postgres') await sql`drop function refuse_local_copy()`.execute(db);
    }
  });

  it('refuses a multipart upload cut off in the middle of the file part, naming the problem', async () => {
    const base = await harness.listen();
    const filesBefore = state.files.size;
    const boundary = 'parley-test-boundary';
    // A complete HTTP body whose multipart content stops inside the file: no closing boundary.
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="file"; filename="agenda.txt"',
      'Content-Type: text/plain',
      '',
      'Day one: keynote, workshops, and the eve',
    ].join('\r\n');
    const response = await fetch(`${base}/api/conversations/${conversation(3)}/attachments`, {
      method: 'POST',
      headers: { ...harness.auth('agent'), 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { error: string; field?: string; message: string };
    expect(answer).toMatchObject({ error: 'invalid_request', field: 'file' });
    expect(answer.message).toMatch(/ended before|incomplete|cut off/i);
    expect(state.files.size).toBe(filesBefore);
  });
});

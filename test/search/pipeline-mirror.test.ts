import { expect, it } from 'vitest';
import { createHighLevelClient } from '../../src/highlevel/client.js';
import { highLevelEventHandler } from '../../src/jobs/handlers/highlevel-event-handler.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { createTemplateEngine } from '../../src/lib/template-engine.js';
import { describeEachDatabase } from '../helpers/databases.js';

describeEachDatabase('highlevel.event job mirrors into the local index', (getStore) => {
  it('records each message event from the inbox before marking it processed, once per message', async () => {
    const { db } = getStore();
    const handler = highLevelEventHandler({
      db,
      // No workflow is configured, so the handler never calls HighLevel; an unreachable client proves it.
      highlevel: createHighLevelClient({ baseUrl: 'http://127.0.0.1:9', auth: { getAccessToken: async () => 't' } }),
      workflows: [],
      logger: createLogger({ level: 'silent' }),
      engine: createTemplateEngine(),
      now: () => 1_000,
    });
    const events = [
      { type: 'InboundMessage', messageId: 'm-in', body: 'Is the venue step-free?', dateAdded: 100 },
      { type: 'OutboundMessage', messageId: 'm-out', body: 'Yes, every entrance is.', dateAdded: 200 },
    ];
    for (const [n, event] of events.entries()) {
      await db
        .insertInto('inbox')
        .values({
          id: `inbox-${n}`,
          source: 'highlevel',
          dedupe_key: `highlevel:${n}`,
          topic: event.type,
          content_type: 'application/json',
          headers: '{}',
          body: JSON.stringify({ ...event, locationId: 'loc-pipe', conversationId: 'conv-pipe', contactId: 'c-pipe' }),
          mapped: null,
          status: 'received',
          error: null,
          received_at: 1,
          processed_at: null,
        })
        .execute();
      const job = {
        id: `job-${n}`,
        kind: 'highlevel.event',
        payload: { inboxId: `inbox-${n}` },
        priority: 0,
        attempts: 0,
        maxAttempts: 3,
        runAt: 0,
        dedupeKey: null,
      };
      const context = { signal: new AbortController().signal, workerId: 'w' };
      await handler(job, context);
    }
    const conversation = await db
      .selectFrom('index_conversations')
      .selectAll()
      .where('conversation_id', '=', 'conv-pipe')
      .executeTakeFirstOrThrow();
    expect(conversation.unread_count).toBe(1);
    expect(conversation.last_message_body).toBe('Yes, every entrance is.');
    const messages = await db
      .selectFrom('index_messages')
      .select('message_id')
      .where('conversation_id', '=', 'conv-pipe')
      .execute();
    expect(messages.map((m) => m.message_id).sort()).toEqual(['m-in', 'm-out']);
  });
});

/**
 * `parley start` in sandbox mode points the HighLevel sandbox's webhooks at its own /hooks/highlevel
 * and trusts the sandbox's signing keys: a contact's reply added in the sandbox reaches parley, is
 * kept in the inbox and mirrored in the index, and its job (which reads the contact with the planned
 * scopes) is processed, with no other process. On SQLite and PostgreSQL.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { type InProcessParley, startInProcessParley, until } from './in-process-parley.js';

let parley: InProcessParley | undefined;
afterEach(async () => {
  await parley?.stop();
  parley = undefined;
});

async function firstConversation(highlevel: { url: string; locationId: string }): Promise<string> {
  const token = await fetch(`${highlevel.url}/sandbox/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ locationId: highlevel.locationId }),
  });
  const { accessToken } = (await token.json()) as { accessToken: string };
  const search = await fetch(`${highlevel.url}/conversations/search?locationId=${highlevel.locationId}`, {
    headers: { authorization: `Bearer ${accessToken}`, version: '2021-04-15' },
  });
  const { conversations } = (await search.json()) as { conversations: { id: string }[] };
  if (!conversations[0]) throw new Error('the sandbox location has no conversation');
  return conversations[0].id;
}

for (const kind of DATABASE_KINDS) {
  describe(`parley start, HighLevel sandbox webhooks [${kind}]`, () => {
    it('processes a reply added in the HighLevel sandbox through /hooks/highlevel', async () => {
      parley = await startInProcessParley(kind);
      expect(parley.banner).toMatch(/HighLevel sandbox on \S+ +\(sample location \w+; its webhooks go to parley\)/);
      const { highlevel } = parley.sandboxes;
      const conversationId = await firstConversation(highlevel);

      const res = await fetch(`${highlevel.url}/sandbox/conversations/${conversationId}/replies`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'Is there parking at the venue?' }),
      });
      expect(res.status).toBe(200);
      const { messageId } = (await res.json()) as { messageId: string };

      const db = parley.store.db;
      const row = await until('the inbound message to be processed', async () => {
        const rows = await db
          .selectFrom('inbox')
          .selectAll()
          .where('source', '=', 'highlevel')
          .where('topic', '=', 'InboundMessage')
          .execute();
        const mine = rows.find((r) => JSON.parse(r.body).messageId === messageId);
        return mine && mine.status !== 'received' ? mine : undefined;
      });
      expect(row.status).toBe('processed');
      const indexed = await db
        .selectFrom('index_messages')
        .select(['conversation_id', 'direction', 'body'])
        .where('message_id', '=', messageId)
        .executeTakeFirst();
      expect(indexed).toEqual({
        conversation_id: conversationId,
        direction: 'inbound',
        body: 'Is there parking at the venue?',
      });
      const dead = await db.selectFrom('jobs').select('last_error').where('status', '=', 'dead').execute();
      expect(dead).toEqual([]);
    });
  });
}

/**
 * What parley writes is in the index at once, on both databases: an attendee registered through the
 * intake route, with the worker welcoming them against the HighLevel sandbox, is found by email with
 * GET /api/conversations, named, with the welcome as the last message, while no index sync runs and
 * no HighLevel webhook reaches parley. And a webhook about a contact the index does not know gets the
 * contact read once (get-contact), so the conversation is listed with a name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../helpers/databases.js';
import { post, registrationBody } from '../../jobs/pipeline-world.js';
import { eventually, type ParleyWorld, startParleyWorld } from './parley-world.js';

interface Item {
  conversationId: string;
  contactId: string | null;
  contactName: string | null;
  contactEmail: string | null;
  lastMessageBody: string | null;
}

describe.each(DATABASE_KINDS)('index what parley writes [%s]', (kind) => {
  describe('without HighLevel webhooks', () => {
    let world: ParleyWorld;
    beforeAll(async () => {
      world = await startParleyWorld(kind, { highlevelWebhooks: false });
    });
    afterAll(async () => world?.close());

    async function findByEmail(email: string): Promise<Item[]> {
      const response = await world.app.inject({
        url: `/api/conversations?email=${encodeURIComponent(email)}`,
        headers: world.auth('agent'),
      });
      expect(response.statusCode).toBe(200);
      return response.json().items as Item[];
    }

    it('finds an attendee by email as soon as the welcome is sent, named, with no index sync', async () => {
      const runTag = `k1-${kind}`;
      // n = 4 has a phone (SMS welcome); n = 3 has none (Email welcome with a subject).
      for (const n of [3, 4]) {
        const email = `ada.${runTag}.${n}@example.com`;
        expect(await findByEmail(email)).toEqual([]);
        expect(await post(world.hookUrl, registrationBody(n, runTag))).toBe(202);
        const link = await eventually('the welcome to be linked', async () => {
          const row = await world.deps.db
            .selectFrom('attendee_links')
            .selectAll()
            .where('attendee_id', 'like', `%${runTag}-${n}%`)
            .where('welcome_message_id', 'is not', null)
            .executeTakeFirst();
          return row ?? undefined;
        });
        // The invariant: once the welcome went out, search finds the attendee by email, named.
        const items = await findByEmail(email);
        expect(items).toHaveLength(1);
        expect(items[0]).toMatchObject({
          conversationId: link.conversation_id,
          contactId: link.contact_id,
          contactName: `Ada${n} Lovelace`,
          contactEmail: email,
        });
        expect(items[0]?.lastMessageBody).toContain('thanks for registering for DevConf 2026');
        const welcome = await world.deps.db
          .selectFrom('index_messages')
          .select(['direction', 'type'])
          .where('message_id', '=', link.welcome_message_id ?? '')
          .executeTakeFirstOrThrow();
        expect(welcome).toEqual({ direction: 'outbound', type: n === 3 ? 'TYPE_EMAIL' : 'TYPE_SMS' });
        // The Accelevents attendee id the rest of the product shows finds the same conversation.
        const byAttendee = await world.app.inject({
          url: `/api/conversations?attendeeId=${encodeURIComponent(link.attendee_id)}`,
          headers: world.auth('viewer'),
        });
        expect(byAttendee.json().items.map((i: Item) => i.conversationId)).toEqual([link.conversation_id]);
      }
      // Nothing else could have put them there: no sync job ran and no webhook was delivered.
      const syncs = await world.deps.db.selectFrom('jobs').select('id').where('kind', '=', 'index.sync').execute();
      expect(syncs).toEqual([]);
      expect(world.sandbox.sandbox.webhooks.deliveries.filter((d) => d.outcome === 'delivered')).toEqual([]);
    });
  });

  describe('with HighLevel webhooks', () => {
    let world: ParleyWorld;
    beforeAll(async () => {
      world = await startParleyWorld(kind, { highlevelWebhooks: true });
    });
    afterAll(async () => world?.close());

    it('names a conversation the index learns of by webhook from get-contact, read once per contact', async () => {
      // A sandbox conversation parley has never synced: the index knows nothing of it or its contact.
      const state = world.sandbox.sandbox.domain!.state;
      const conversation = [...state.conversations.inLocation(world.locationId)][0];
      if (!conversation) throw new Error('the sandbox location has no conversation');
      const contact = state.contacts.get(conversation.contactId);
      if (!contact?.email) throw new Error('the sandbox contact has no email');
      const contactCalls = async () =>
        (
          await world.deps.db
            .selectFrom('highlevel_calls')
            .select('operation_id')
            .where('operation_id', '=', 'get-contact')
            .execute()
        ).length;

      for (const text of ['Is there parking?', 'And is it free?']) {
        const { messageId } = world.sandbox.sandbox.replyAsContact({ conversationId: conversation.id, message: text });
        await eventually('the reply to be mirrored', async () => {
          const row = await world.deps.db
            .selectFrom('index_messages')
            .select('message_id')
            .where('message_id', '=', messageId)
            .executeTakeFirst();
          return row ?? undefined;
        });
        await eventually('the webhook job to finish', async () => {
          const counts = await world.pipeline.queue.counts();
          return counts.pending === 0 && counts.running === 0 ? true : undefined;
        });
      }
      const found = await world.app.inject({
        url: `/api/conversations?email=${encodeURIComponent(contact.email)}`,
        headers: world.auth('viewer'),
      });
      expect(found.json().items).toEqual([
        expect.objectContaining({ conversationId: conversation.id, contactName: contact.name }),
      ]);
      expect(await contactCalls()).toBe(1);
    });
  });
});

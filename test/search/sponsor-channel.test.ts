/**
 * The sponsor channel in the local index, on both databases: which sponsor each conversation belongs
 * to (joined by a message naming it, or by a `sponsor:<key>` contact tag during the sync), the search
 * limited to one sponsor's conversations, and a routed conversation keeping its flag and owners.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHighLevelClient, type HighLevelClient } from '../../src/highlevel/client.js';
import { createLocalIndex, type LocalIndex } from '../../src/search/local-index.js';
import { sponsorsOfConversation } from '../../src/search/sponsor-channel.js';
import type { SponsorConfig } from '../../src/search/sponsor-settings.js';
import type { SyncLocationInput } from '../../src/search/sync-location.js';
import type { Store } from '../../src/store/open-database.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';

const ACME: SponsorConfig = { name: 'Acme', keyword: 'ACME', key: 'acme', staff: ['a@acme.example'] };
const GLOBEX: SponsorConfig = { name: 'Globex', keyword: 'Globex', key: 'globex', staff: [] };

/** Live search items carry the contact's tags; the sandbox's follow ConversationSchema, which omits them. */
function withLiveTags(client: HighLevelClient, handle: SandboxHandle): SyncLocationInput['client'] {
  const state = handle.sandbox.domain!.state;
  const conversations = Object.create(client.conversations) as HighLevelClient['conversations'];
  conversations.searchConversations = async (query, options) => {
    const page = await client.conversations.searchConversations(query, options);
    return {
      ...page,
      conversations: page.conversations.map((item) => ({
        ...item,
        tags: state.contacts.get(item.contactId)?.tags ?? [],
      })),
    };
  };
  return { conversations };
}

describeEachDatabase('the sponsor channel in the local index', (getStore) => {
  let handle: SandboxHandle;
  let client: HighLevelClient;
  let store: Store;
  let index: LocalIndex;
  let locationId: string;
  /** Conversation ids by contact, in contact id order. */
  let conversations: { id: string; contactId: string }[];

  beforeAll(async () => {
    handle = await withSandbox({ attendees: 1 });
    locationId = handle.sandbox.addLocation({ attendees: 6 }).location.id;
    const token = handle.sandbox.issueToken({ locationId }).accessToken;
    client = createHighLevelClient({ baseUrl: handle.url, auth: { getAccessToken: async () => token }, maxRetries: 0 });
    store = getStore();
    index = createLocalIndex({ db: store.db, dialect: store.dialect });
    conversations = [...handle.sandbox.domain!.state.conversations.inLocation(locationId)]
      .map((c) => ({ id: c.id, contactId: c.contactId }))
      .sort((a, b) => a.contactId.localeCompare(b.contactId));
    await index.syncLocation({ client, locationId, since: null });
  });
  afterAll(async () => {
    await handle?.close();
  });

  const idsFor = async (sponsorKeys: string[]) =>
    (await index.search({ locationId, sponsorOnly: true, sponsorKeys, limit: 100 })).items
      .map((i) => i.conversationId)
      .sort();
  const flagOf = async (conversationId: string) =>
    Number(
      (
        await store.db
          .selectFrom('index_conversations')
          .select('sponsor')
          .where('conversation_id', '=', conversationId)
          .executeTakeFirstOrThrow()
      ).sponsor,
    );

  /** The first message naming Acme and Globex in the first conversation; a retry when sent again. */
  const firstMessage = () => ({
    conversationId: conversations[0]!.id,
    locationId,
    sponsors: ['acme', 'globex'],
    messageId: 'msg-1',
  });

  it('joins a conversation to the sponsors a message names', async () => {
    const first = firstMessage();
    expect(await index.joinSponsorChannel(first)).toEqual(['acme', 'globex']);
    expect(await sponsorsOfConversation(store.db, first.conversationId)).toEqual(['acme', 'globex']);
    expect(await flagOf(first.conversationId)).toBe(1);
  });

  it('answers a retried message with the sponsors it joined', async () => {
    const first = firstMessage();
    await index.joinSponsorChannel(first);
    expect(await index.joinSponsorChannel(first)).toEqual(['acme', 'globex']);
  });

  it('answers no sponsor for a later message naming one the conversation already joined', async () => {
    const first = firstMessage();
    await index.joinSponsorChannel(first);
    expect(await index.joinSponsorChannel({ ...first, sponsors: ['acme'], messageId: 'msg-2' })).toEqual([]);
    expect(await sponsorsOfConversation(store.db, first.conversationId)).toEqual(['acme', 'globex']);
    expect(await flagOf(first.conversationId)).toBe(1);
  });

  /** Routes the second conversation to Acme alone (a retry when done again). */
  async function joinAcmeOnly(): Promise<string> {
    await index.joinSponsorChannel(firstMessage());
    const acmeOnly = conversations[1]!.id;
    await index.joinSponsorChannel({ conversationId: acmeOnly, locationId, sponsors: ['acme'], messageId: 'msg-3' });
    return acmeOnly;
  }

  it('finds only the conversations of the sponsors asked for', async () => {
    const acmeOnly = await joinAcmeOnly();
    expect(await idsFor(['acme'])).toEqual([conversations[0]!.id, acmeOnly].sort());
    expect(await idsFor(['globex'])).toEqual([conversations[0]!.id]);
    expect(await idsFor(['initech'])).toEqual([]);
  });

  it('finds no conversation for an empty list of sponsors', async () => {
    await joinAcmeOnly();
    expect(await idsFor([])).toEqual([]);
  });

  /** Tags the third contact Sponsor:Globex and syncs with the tags live search items carry. */
  async function syncWithSponsorTag(): Promise<{ id: string; contactId: string }> {
    const tagged = conversations[2]!;
    const tags = handle.sandbox.domain!.state.contacts.get(tagged.contactId)!.tags;
    if (!tags.includes('Sponsor:Globex')) tags.push('Sponsor:Globex');
    await index.syncLocation({
      client: withLiveTags(client, handle),
      locationId,
      since: null,
      sponsors: [ACME, GLOBEX],
    });
    return tagged;
  }

  it('joins the conversation of a contact tagged sponsor:<key> during the sync', async () => {
    await joinAcmeOnly();
    const tagged = await syncWithSponsorTag();
    expect(await sponsorsOfConversation(store.db, tagged.id)).toEqual(['globex']);
    expect(await idsFor(['globex'])).toEqual([conversations[0]!.id, tagged.id].sort());
  });

  it('keeps routed conversations flagged through a sync whose items carry no sponsor tag', async () => {
    await joinAcmeOnly();
    await syncWithSponsorTag();
    // Those items carried tags without a sponsor tag; the routed conversations keep their flag anyway.
    expect(await flagOf(conversations[1]!.id)).toBe(1);
    expect(await flagOf(conversations[3]!.id)).toBe(0);
  });

  it('forgets the sponsors of a conversation HighLevel deletes', async () => {
    const { id, contactId } = conversations[1]!;
    await index.applyWebhookEvent({ type: 'ConversationUnreadUpdate', locationId, id, contactId, deleted: true });
    expect(await sponsorsOfConversation(store.db, id)).toEqual([]);
    expect(await idsFor(['acme'])).toEqual([conversations[0]!.id]);
  });
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHighLevelClient, type HighLevelClient } from '../../src/highlevel/client.js';
import { createLocalIndex, type LocalIndex } from '../../src/search/local-index.js';
import type { SyncLocationInput } from '../../src/search/sync-location.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';

const ATTENDEES = 12;

/**
 * Live search items carry the contact's `tags`; the sandbox's items follow ConversationSchema, which
 * omits them. This client adds each contact's tags from the sandbox's own state to the real HTTP answer,
 * standing in for the live field until the sandbox serves it.
 */
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

describeEachDatabase('the sponsor-channel flag', (getStore) => {
  let handle: SandboxHandle;
  let client: HighLevelClient;
  let index: LocalIndex;
  let locationId: string;
  let contactIds: string[];

  beforeAll(async () => {
    handle = await withSandbox({ attendees: 1 });
    locationId = handle.sandbox.addLocation({ attendees: ATTENDEES }).location.id;
    const token = handle.sandbox.issueToken({ locationId }).accessToken;
    client = createHighLevelClient({ baseUrl: handle.url, auth: { getAccessToken: async () => token }, maxRetries: 0 });
    const store = getStore();
    index = createLocalIndex({ db: store.db, dialect: store.dialect });
    const state = handle.sandbox.domain!.state;
    contactIds = [...state.conversations.inLocation(locationId)].map((c) => c.contactId).sort();
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function sponsorConversations(): Promise<string[]> {
    const page = await index.search({ locationId, sponsorOnly: true, limit: 100 });
    return page.items.map((i) => i.contactId ?? '').sort();
  }

  it('marks the conversations of sponsor staff contacts when syncing', async () => {
    const staff = [contactIds[0]!, contactIds[1]!];
    await index.syncLocation({ client, locationId, since: null, sponsorContactIds: staff });
    expect(await sponsorConversations()).toEqual([...staff].sort());
  });

  it('marks the conversations of contacts tagged sponsor when search items carry tags', async () => {
    const state = handle.sandbox.domain!.state;
    const tagged = [contactIds[5]!, contactIds[6]!];
    for (const id of tagged) state.contacts.get(id)!.tags.push('Sponsor');
    await index.syncLocation({ client: withLiveTags(client, handle), locationId, since: null, sponsorContactIds: [] });
    // The staff flags from the first sync are cleared: these items carry tags, so the sync knows.
    expect(await sponsorConversations()).toEqual([...tagged].sort());
  });

  it('keeps the flag when a sync without tags or webhooks for the conversation arrive', async () => {
    const tagged = contactIds[5]!;
    await index.syncLocation({ client, locationId, since: null });
    const before = await index.search({ locationId, sponsorOnly: true, attendee: { id: tagged }, limit: 5 });
    const conversationId = before.items[0]!.conversationId;

    await index.applyWebhookEvent({
      type: 'InboundMessage',
      locationId,
      conversationId,
      contactId: tagged,
      messageId: 'sponsor-webhook-msg',
      body: 'Can we move our booth demo?',
      dateAdded: Date.now() + 60_000,
    });
    await index.applyWebhookEvent({
      type: 'ConversationUnreadUpdate',
      locationId,
      id: conversationId,
      contactId: tagged,
      unreadCount: 0,
      starred: true,
    });
    const after = await index.search({ locationId, sponsorOnly: true, attendee: { id: tagged }, limit: 5 });
    expect(after.items.map((i) => [i.conversationId, i.starred])).toEqual([[conversationId, true]]);
  });
});

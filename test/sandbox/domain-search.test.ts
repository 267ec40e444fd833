import { describe, expect, it } from 'vitest';
import { createHarness, type DomainHarness, expectValid, LOCATION, responseValidator } from './domain-fixtures.js';

/** 25 attendees, each with an SMS conversation one second apart; three replied (unread), two starred. */
async function populate(h: DomainHarness) {
  const ids: { contactId: string; conversationId: string }[] = [];
  for (let i = 0; i < 25; i++) {
    h.advance(1000);
    const contactId = await h.contact({
      email: `attendee${i}@example.com`,
      phone: `+1415555${String(1000 + i)}`,
      name: i === 4 ? 'Quinn Harper' : `Attendee ${i}`,
    });
    const sent = await h.call('send-a-new-message', {
      body: {
        type: 'SMS',
        subType: 'SMS',
        status: 'pending',
        contactId,
        message: i === 11 ? 'Your Parking pass is attached' : `Welcome, attendee ${i}!`,
      },
    });
    ids.push({ contactId, conversationId: sent.body.conversationId });
  }
  for (const i of [2, 5, 9]) {
    h.advance(1000);
    const { contactId, conversationId } = ids[i]!;
    await h.call('add-an-inbound-message', {
      body: { type: 'SMS', conversationId, contactId, conversationProviderId: 'prov', message: `Question from ${i}` },
    });
  }
  for (const i of [3, 5]) {
    await h.call('update-conversation', {
      params: { conversationId: ids[i]!.conversationId },
      body: { locationId: LOCATION, starred: true },
    });
  }
  return ids;
}

describe('sandbox domain: search-conversation', () => {
  /** The populated location, and a search of it with `query`. */
  async function populated() {
    const h = createHarness();
    const ids = await populate(h);
    const search = async (query: Record<string, unknown>) =>
      (await h.call('search-conversation', { query: { locationId: LOCATION, ...query } })).body;
    return { ids, search };
  }

  it('filters by contactId', async () => {
    const { ids, search } = await populated();
    const byContact = await search({ contactId: ids[7]!.contactId });
    expect(byContact.conversations.map((c: any) => c.id)).toEqual([ids[7]!.conversationId]);
    expect(byContact.total).toBe(1);
  });

  it('filters by free text over the last message body', async () => {
    const { ids, search } = await populated();
    const byBody = await search({ query: 'PARKING pass' });
    expect(byBody.conversations.map((c: any) => c.id)).toEqual([ids[11]!.conversationId]);
  });

  it('filters by free text over the contact name', async () => {
    const { ids, search } = await populated();
    const byName = await search({ query: 'quinn' });
    expect(byName.conversations.map((c: any) => c.contactId)).toEqual([ids[4]!.contactId]);
  });

  it('filters by status unread', async () => {
    const { ids, search } = await populated();
    const unread = await search({ status: 'unread' });
    expect(new Set(unread.conversations.map((c: any) => c.id))).toEqual(
      new Set([2, 5, 9].map((i) => ids[i]!.conversationId)),
    );
    expect(unread.conversations.every((c: any) => c.unreadCount === 1)).toBe(true);
  });

  it('filters by status starred', async () => {
    const { ids, search } = await populated();
    const starred = await search({ status: 'starred' });
    expect(new Set(starred.conversations.map((c: any) => c.id))).toEqual(
      new Set([3, 5].map((i) => ids[i]!.conversationId)),
    );
  });

  it('filters by status read', async () => {
    const { search } = await populated();
    expect((await search({ status: 'read', limit: 100 })).total).toBe(22);
  });

  it('filters by the direction of the last message', async () => {
    const { search } = await populated();
    expect((await search({ lastMessageDirection: 'inbound' })).total).toBe(3);
  });

  /** The first page of five of the populated location, newest first by default. */
  async function firstPage() {
    const h = createHarness();
    const ids = await populate(h);
    const res = await h.call('search-conversation', { query: { locationId: LOCATION, limit: 5 } });
    return { ids, res, first: res.body.conversations[0] };
  }

  it('returns spec-shaped items, each sorted by its lastMessageDate', async () => {
    const { res, first } = await firstPage();
    expect(res.status).toBe(200);
    expectValid(responseValidator('/conversations/search', 'get', 200), res.body);
    expect(first).toMatchObject({ lastMessageType: 'TYPE_SMS', type: 'TYPE_PHONE' });
    expect(first.sort).toEqual([first.lastMessageDate]);
    expect(typeof first.lastMessageDate).toBe('number');
    expect(res.body.total).toBe(25);
  });

  it('returns the newest conversation first by default', async () => {
    const { ids, first } = await firstPage();
    // The three replies came last, newest (9) first.
    expect(first.id).toBe(ids[9]!.conversationId);
    expect(first).toMatchObject({ lastMessageBody: 'Question from 9' });
  });

  it('pages with startAfterDate through every conversation exactly once, in both directions', async () => {
    const h = createHarness();
    const ids = await populate(h);
    for (const sort of ['desc', 'asc'] as const) {
      const seen: string[] = [];
      const sortValues: number[] = [];
      let startAfterDate: number | undefined;
      let pages = 0;
      for (;;) {
        const res = await h.call('search-conversation', {
          query: { locationId: LOCATION, limit: 7, sort, ...(startAfterDate === undefined ? {} : { startAfterDate }) },
        });
        expect(res.body.total).toBe(25);
        const page = res.body.conversations;
        if (page.length === 0) break;
        pages += 1;
        seen.push(...page.map((c: any) => c.id));
        sortValues.push(...page.map((c: any) => c.sort[0]));
        startAfterDate = page[page.length - 1].sort[0];
      }
      expect(pages).toBe(4);
      expect(seen).toHaveLength(25);
      expect(new Set(seen)).toEqual(new Set(ids.map((i) => i.conversationId)));
      const ordered = [...sortValues].sort((a, b) => (sort === 'asc' ? a - b : b - a));
      expect(sortValues).toEqual(ordered);
    }
  });

  it('caps limit at 100', async () => {
    const h = createHarness();
    await populate(h);
    const big = await h.call('search-conversation', { query: { locationId: LOCATION, limit: 500 } });
    expect(big.body.conversations).toHaveLength(25);
  });

  it('rejects a limit below 1, naming the field', async () => {
    const h = createHarness();
    await populate(h);
    const bad = await h.call('search-conversation', { query: { locationId: LOCATION, limit: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^limit/);
  });
});

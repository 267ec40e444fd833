/**
 * The two-way sponsor channel end to end on both databases, against the HighLevel sandbox: an attendee
 * writes naming a sponsor (the sandbox's signed InboundMessage webhook → POST /hooks/highlevel → the
 * worker), their own conversation joins that sponsor's channel and their contact is tagged for it in
 * HighLevel; the sponsor's
 * console user finds it and replies through the normal reply route, and the reply lands in the
 * attendee's conversation in HighLevel. Another sponsor's user gets 403 for it, exactly as for an id
 * that does not exist. Without sponsors in the config the channel is not loaded and routes nothing.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sponsorsOfConversation } from '../../src/search/sponsor-channel.js';
import { currentWorkflows } from '../../src/workflows/workflow-source.js';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { type SponsorWorld, startSponsorWorld } from './sponsor-world.js';

const GLOBEX_USER = 'globex@parley.test';
const SPONSORS = {
  sponsor: {
    sponsors: [
      { name: 'Acme', keyword: 'ACME', staff: ['sponsor@parley.test'] },
      { name: 'Globex', keyword: 'Globex', staff: [GLOBEX_USER] },
    ],
  },
};

/** Attendees whose conversations carry a phone, so replies go out by SMS. */
async function attendeesWithPhone(world: SponsorWorld, count: number): Promise<string[]> {
  const rows = await world.parley.deps.db
    .selectFrom('index_conversations')
    .select('conversation_id')
    .where('contact_phone', 'is not', null)
    .orderBy('conversation_id')
    .limit(count)
    .execute();
  if (rows.length < count) throw new Error(`the sandbox seeded fewer than ${count} attendees with a phone`);
  return rows.map((row) => row.conversation_id);
}

describe.each(DATABASE_KINDS)('sponsor channel, two ways [%s]', (kind) => {
  let world: SponsorWorld;
  let attendee: string;
  let bystander: string;

  beforeAll(async () => {
    world = await startSponsorWorld(kind, { attendees: 4, config: SPONSORS, sponsorUsers: [GLOBEX_USER] });
    [attendee = '', bystander = ''] = await attendeesWithPhone(world, 2);
  });
  afterAll(async () => {
    await world?.close();
  });

  const api = (url: string, auth: { authorization: string }) => world.parley.app.inject({ url, headers: auth });
  const acmeUser = () => world.parley.auth('sponsor');
  const outbound = (conversationId: string) =>
    world.sandboxThread(conversationId).filter((m) => m.direction === 'outbound');

  /** The attendee's first message naming Acme, written once for every test; resolves to the outbound count before it. */
  let routing: Promise<number> | undefined;
  const routedToAcme = () => {
    routing ??= (async () => {
      const before = outbound(attendee).length;
      await world.attendeeWrites(attendee, 'Hi ACME, can I book a demo at your booth?');
      return before;
    })();
    return routing;
  };

  it('puts the attendee’s own conversation in the channel of the sponsor their message names', async () => {
    await routedToAcme();
    expect(await sponsorsOfConversation(world.parley.deps.db, attendee)).toEqual(['acme']);
    const found = await api('/api/conversations?limit=100', acmeUser());
    expect(found.statusCode).toBe(200);
    expect(
      found.json().items.map((i: { conversationId: string; sponsor: boolean }) => [i.conversationId, i.sponsor]),
    ).toEqual([[attendee, true]]);
  });

  it('tags the attendee’s contact in HighLevel for the sponsor their message names', async () => {
    await routedToAcme();
    expect(world.contactTags(attendee)).toContain('sponsor:acme');
    expect(world.contactTags(attendee)).not.toContain('sponsor:globex');
  });

  it('keeps the conversation in its one channel, sending nothing, when a later message names the sponsor again', async () => {
    const before = await routedToAcme();
    await world.attendeeWrites(attendee, 'ACME, are you there?');
    expect(await sponsorsOfConversation(world.parley.deps.db, attendee)).toEqual(['acme']);
    // Routing sends nothing: the sponsor's reply is the answer.
    expect(outbound(attendee)).toHaveLength(before);
  });

  it('lists the conversation nowhere for another sponsor’s user', async () => {
    await routedToAcme();
    const globex = world.authOf(GLOBEX_USER);
    expect((await api('/api/conversations?limit=100', globex)).json().items).toEqual([]);
  });

  it('answers another sponsor’s user 403 for that conversation, with the body an id that does not exist gets', async () => {
    await routedToAcme();
    const globex = world.authOf(GLOBEX_USER);
    for (const [mine, missing] of [
      [`/api/conversations/${attendee}`, '/api/conversations/noSuchConversation1'],
      [`/api/conversations/${attendee}/messages`, '/api/conversations/noSuchConversation1/messages'],
    ] as const) {
      const [notTheirs, absent] = [await api(mine, globex), await api(missing, globex)];
      expect(notTheirs.statusCode, mine).toBe(403);
      expect(notTheirs.json()).toMatchObject({ error: 'forbidden' });
      expect({ status: absent.statusCode, body: absent.body }).toEqual({ status: 403, body: notTheirs.body });
      expect(notTheirs.body).not.toContain(attendee);
    }
  });

  it('answers a sponsor’s user 403 for a conversation outside its channel, as for one that does not exist', async () => {
    await routedToAcme();
    // Acme's own user is refused a conversation outside Acme's channel the same way.
    const outside = await api(`/api/conversations/${bystander}`, acmeUser());
    expect({ status: outside.statusCode, body: outside.body }).toEqual({
      status: 403,
      body: (await api('/api/conversations/noSuchConversation1', acmeUser())).body,
    });
  });

  it('sends the sponsor user’s console reply into the attendee’s conversation in HighLevel', async () => {
    const text = `Acme here: demo slots at 2pm and 4pm (${kind})`;
    const reply = await world.parley.app.inject({
      method: 'POST',
      url: `/api/conversations/${attendee}/messages`,
      headers: acmeUser(),
      payload: { type: 'SMS', message: text },
    });
    expect(reply.statusCode, reply.body).toBe(201);
    expect(world.sandboxThread(attendee).filter((m) => m.body === text)).toEqual([
      { body: text, direction: 'outbound', messageType: 'TYPE_SMS' },
    ]);
    await world.settled();
    const thread = await api(`/api/conversations/${attendee}/messages?limit=100`, acmeUser());
    expect(thread.json().items.map((m: { body: string }) => m.body)).toContain(text);
  });

  it('routes nothing for a message that names no sponsor, or a keyword inside another word', async () => {
    await world.attendeeWrites(bystander, 'Where does the Acmeville shuttle leave from?');
    expect(await sponsorsOfConversation(world.parley.deps.db, bystander)).toEqual([]);
    expect(world.contactTags(bystander).filter((tag) => tag.startsWith('sponsor'))).toEqual([]);
    const found = await api('/api/conversations?limit=100', acmeUser());
    expect(found.json().items.map((i: { conversationId: string }) => i.conversationId)).toEqual([attendee]);
  });
});

describe.each(DATABASE_KINDS)('sponsor channel without sponsors in the config [%s]', (kind) => {
  let world: SponsorWorld;

  beforeAll(async () => {
    world = await startSponsorWorld(kind, { attendees: 3 });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('loads no sponsor workflow', async () => {
    expect(world.parley.deps.config.features).toContain('sponsor-channel');
    expect(
      (await currentWorkflows(world.pipeline.workflows))
        .map((w) => w.name)
        .filter((name) => name.startsWith('sponsor')),
    ).toEqual([]);
  });

  it('routes nothing, not even a tag, for a message naming a sponsor word', async () => {
    const [conversationId = ''] = await attendeesWithPhone(world, 1);
    await world.attendeeWrites(conversationId, 'Hi ACME, can I book a demo?');
    const row = await world.parley.deps.db
      .selectFrom('index_conversations')
      .select('sponsor')
      .where('conversation_id', '=', conversationId)
      .executeTakeFirstOrThrow();
    expect(Number(row.sponsor)).toBe(0);
    expect(await sponsorsOfConversation(world.parley.deps.db, conversationId)).toEqual([]);
    expect(world.contactTags(conversationId).filter((tag) => tag.startsWith('sponsor'))).toEqual([]);
    const inbox = await world.parley.deps.db
      .selectFrom('inbox')
      .select('status')
      .where('source', '=', 'highlevel')
      .execute();
    expect(inbox.map((r) => r.status)).toContain('processed');
    expect(
      (await world.parley.app.inject({ url: '/api/conversations', headers: world.parley.auth('sponsor') })).json()
        .items,
    ).toEqual([]);
  });
});

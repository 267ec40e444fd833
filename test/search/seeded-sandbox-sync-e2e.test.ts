/**
 * A sandbox seeded with 10,000 conversations and about 100,000 messages
 * is mirrored over HTTP by syncLocation into a SQLite index, and searches by attendee email, name, id,
 * topic (a transcript word and a body word) and status return exactly the conversations the sandbox's
 * own state says. The sandbox's rate limits are off for the run; the sync time is printed.
 */
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHighLevelClient } from '../../src/highlevel/client.js';
import type { ConversationRecord } from '../../src/sandbox/highlevel/state/records.js';
import type { SandboxState } from '../../src/sandbox/highlevel/state/sandbox-state.js';
import { createLocalIndex, type LocalIndex, type SearchInput } from '../../src/search/local-index.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';

const CONVERSATIONS = 10_000;
const MESSAGES_PER = 10;

describe('syncLocation over a sandbox seeded with 10,000 conversations', () => {
  let handle: SandboxHandle;
  let database: TestDatabase;
  let index: LocalIndex;
  let state: SandboxState;
  let locationId: string;
  let conversations: ConversationRecord[];

  beforeAll(async () => {
    // One seeded attendee (the default seed), then 9,999 bulk ones with ten messages each.
    handle = await withSandbox({ attendees: 1 });
    const { sandbox } = handle;
    locationId = sandbox.defaultLocationId;
    sandbox.domain!.seedLocation(locationId, { attendees: CONVERSATIONS - 1, messagesPerConversation: MESSAGES_PER });
    // Far above anything a sync can send, so no request waits or is refused (429).
    sandbox.setRateLimits({ burstLimit: 10_000_000, burstIntervalMs: 1_000, dailyLimit: 100_000_000 });
    state = sandbox.domain!.state;
    conversations = [...state.conversations.inLocation(locationId)];
    database = await openTestDatabase('sqlite');
    index = createLocalIndex({ db: database.store.db, dialect: 'sqlite' });
  }, 60_000);
  afterAll(async () => {
    await handle?.close();
    await database?.dispose();
  });

  function messageCount(): number {
    return conversations.reduce((n, c) => n + state.messages.thread(c.id).length, 0);
  }

  async function all(input: Omit<SearchInput, 'limit' | 'cursor' | 'locationId'>): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await index.search({ locationId, ...input, limit: 500, cursor });
      ids.push(...page.items.map((i) => i.conversationId));
      cursor = page.nextCursor;
    } while (cursor);
    return ids.sort();
  }

  const truth = (keep: (c: ConversationRecord) => boolean) =>
    conversations
      .filter(keep)
      .map((c) => c.id)
      .sort();

  /** A conversation mentions `word` when a body or a transcript sentence holds it as a whole word. */
  const mentions = (word: string) => (c: ConversationRecord) => {
    const pattern = new RegExp(`\\b${word}\\b`, 'i');
    return state.messages
      .thread(c.id)
      .some((m) => pattern.test(m.body ?? '') || (m.transcript ?? []).some((s) => pattern.test(s.transcript)));
  };

  /** The one sync every test reads; whichever test runs first waits for it. */
  let syncing: ReturnType<LocalIndex['syncLocation']> | undefined;
  function synced(): ReturnType<LocalIndex['syncLocation']> {
    syncing ??= (async () => {
      const token = handle.sandbox.issueToken({ locationId }).accessToken;
      const client = createHighLevelClient({
        baseUrl: handle.url,
        auth: { getAccessToken: async () => token },
        maxRetries: 0,
      });
      const started = performance.now();
      const result = await index.syncLocation({ client, locationId, since: null });
      const seconds = (performance.now() - started) / 1000;
      console.info(
        `seeded sandbox sync: ${result.conversations} conversations, ${result.messages} messages, ` +
          `${result.transcripts} transcripts, ${result.searchPages} search pages in ${seconds.toFixed(1)} s`,
      );
      return result;
    })();
    return syncing;
  }

  it('mirrors the whole seeded location', async () => {
    const result = await synced();
    const calls = conversations.flatMap((c) => state.messages.thread(c.id)).filter((m) => m.transcript?.length);
    expect(result.conversations).toBe(CONVERSATIONS);
    expect(result.messages).toBe(messageCount());
    expect(result.messages).toBeGreaterThanOrEqual(99_990);
    expect(result.transcripts).toBe(calls.length);
    expect(calls.length).toBeGreaterThanOrEqual(1_000);
  }, 150_000);

  const someone = () => conversations[4_321]!;
  const contactOf = (c: ConversationRecord) => state.contacts.get(c.contactId)!;

  it('finds the conversation of an attendee by email, as the sandbox holds it', async () => {
    await synced();
    expect(await all({ attendee: { email: contactOf(someone()).email! } })).toEqual([someone().id]);
  }, 150_000);

  it('finds the conversation of an attendee by contact id, as the sandbox holds it', async () => {
    await synced();
    expect(await all({ attendee: { id: contactOf(someone()).id } })).toEqual([someone().id]);
  }, 150_000);

  it('finds every conversation whose attendee name holds the searched name', async () => {
    await synced();
    const name = contactOf(someone()).name!.toLowerCase();
    const byName = truth((c) => (state.contacts.get(c.contactId)?.name ?? '').toLowerCase().includes(name));
    expect(byName.length).toBeGreaterThan(1); // seeded names repeat every 400 attendees
    expect(await all({ attendee: { name } })).toEqual(byName);
  }, 150_000);

  // "garage" is only in a transcript script; "vegetarian" only in message bodies.
  it('finds every conversation whose transcripts mention a topic word', async () => {
    await synced();
    const byTranscript = truth(mentions('garage'));
    expect(byTranscript.length).toBeGreaterThan(100);
    expect(await all({ topic: 'garage' })).toEqual(byTranscript);
  }, 150_000);

  it('finds every conversation whose message bodies mention a topic word', async () => {
    await synced();
    const byBody = truth(mentions('vegetarian'));
    expect(byBody.length).toBeGreaterThan(1_000);
    expect(await all({ topic: 'vegetarian' })).toEqual(byBody);
  }, 150_000);

  it('finds every unread conversation', async () => {
    await synced();
    const unread = truth((c) => c.unreadCount > 0);
    expect(unread.length).toBeGreaterThan(0);
    expect(await all({ status: 'unread' })).toEqual(unread);
  }, 150_000);

  it('finds every starred conversation', async () => {
    await synced();
    const starred = truth((c) => c.starred);
    expect(starred.length).toBeGreaterThan(0);
    expect(await all({ status: 'starred' })).toEqual(starred);
  }, 150_000);
});

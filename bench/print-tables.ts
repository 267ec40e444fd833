/** The bench's tables: one per scenario, each figure beside its target. */

import { type AgentSearchResult, SEARCH_TARGET_P95_MS } from './agent-search.js';
import { fmt } from './bench-env.js';
import type { ClientOverheadResult } from './client-overhead.js';
import type { DurableIntakeResult, IntakeStoreResult } from './durable-intake.js';
import type { EngineOverheadResult } from './engine-overhead.js';
import { MEMORY_TARGET_MB, type MemoryBacklogResult } from './memory-backlog.js';
import type { RateUseResult } from './rate-limit-use.js';

function table(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`;
  console.log(line(headers));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
}

const pct = (x: number) => `${fmt(x * 100, 1)} %`;

export function printClientOverhead(r: ClientOverheadResult): void {
  console.log('\n[1/6] client overhead: get-conversation, in-process sandbox, sequential (no target; ratio only)');
  table(
    ['client', 'calls/s', 'time ratio vs bare fetch'],
    [
      ['bare fetch', fmt(r.bareFetchPerSecond), '1.00×'],
      ['parley client', fmt(r.clientPerSecond), `${fmt(r.ratio, 2)}×`],
    ],
  );
  console.log(`  ${fmt(r.calls)} calls each`);
}

export function printRateUse(r: RateUseResult): void {
  const { max, intervalMs } = r.window;
  console.log(
    `\n[2/6] rate-limit use: ${fmt(r.flows)} welcome flows per client, ${r.concurrency} in flight, window ${max} per ${fmt(intervalMs)} ms` +
      '\n      (each client and its own sandbox in separate processes, all three at once)',
  );
  table(
    ['client', 'wall s', 'flows done', 'failed', 'ok calls', 'share of ceiling', 'target', '429s', 'target'],
    r.rows.map((row) => [
      row.kind,
      fmt(row.wallMs / 1000, 1),
      fmt(row.completed),
      fmt(row.failed),
      fmt(row.successfulCalls),
      pct(row.ceilingShare),
      row.kind === 'parley' ? '≥ 97 %' : '',
      fmt(row.rateLimited),
      row.kind === 'parley' ? '0' : '',
    ]),
  );
  for (const row of r.rows) {
    console.log(`  ${row.kind}: ${row.source}${row.firstError ? `; first error: ${row.firstError}` : ''}`);
  }
  console.log(`  client process RSS: ${r.rows.map((row) => `${row.kind} ${fmt(row.childRssMb)} MB`).join(', ')}`);
}

export function printDurableIntake(r: DurableIntakeResult): void {
  console.log(
    `\n[3/6] durable intake: ${r.connections} keep-alive connections, ${r.rounds} × ${r.roundSeconds} s per route, alternating` +
      '\n      (server with both routes in one process, on SQLite WAL, then on PostgreSQL; load generator in the bench process)',
  );
  const stores: [string, IntakeStoreResult][] = [['SQLite', r]];
  if (r.postgres) stores.push(['PostgreSQL', r.postgres]);
  const rows = stores.flatMap(([store, s]) => [
    [
      `${store}: no-op (return {})`,
      fmt(s.noop.perSecond),
      '1.00',
      '',
      fmt(s.noop.p50Ms, 2),
      fmt(s.noop.p99Ms, 2),
      '',
      fmt(s.noop.failures),
      JSON.stringify(s.noop.statuses),
    ],
    [
      `${store}: POST /hooks/accelevents/:secret`,
      fmt(s.intake.perSecond),
      fmt(s.ratio, 2),
      '≥ 0.50',
      fmt(s.intake.p50Ms, 2),
      fmt(s.intake.p99Ms, 2),
      '< 25',
      fmt(s.intake.failures),
      JSON.stringify(s.intake.statuses),
    ],
  ]);
  table(['route', 'requests/s', 'ratio', 'target', 'p50 ms', 'p99 ms', 'target', 'non-2xx', 'statuses'], rows);
  console.log('  p50/p99: the worst round of each route');
  const rss = stores.flatMap(([store, s]) => (s.serverRssMb === null ? [] : [`${store} ${fmt(s.serverRssMb)} MB`]));
  if (rss.length > 0) console.log(`  server process RSS: ${rss.join(', ')}`);
  if (!r.postgres) console.log('  PostgreSQL left out (BENCH_INTAKE_POSTGRES=0)');
}

export function printEngineOverhead(r: EngineOverheadResult): void {
  console.log(
    `\n[4/6] engine overhead: ${fmt(r.parley.flows)} welcome flows per side, ${r.concurrency} in flight, ${r.rounds} alternating rounds` +
      `\n      (sandbox in another process, no limits, no latency; parley runs ${r.source})`,
  );
  table(
    ['path', 'CPU ms/flow', 'target', 'wall ms/flow', 'flows done'],
    [
      ['bare fetch (same calls)', fmt(r.bare.cpuMsPerFlow, 2), '', fmt(r.bare.wallMsPerFlow, 2), fmt(r.bare.completed)],
      [
        'parley pipeline path',
        fmt(r.parley.cpuMsPerFlow, 2),
        '',
        fmt(r.parley.wallMsPerFlow, 2),
        fmt(r.parley.completed),
      ],
    ],
  );
  console.log(
    `  ratio ${fmt(r.ratio, 2)}× bare; the engine's own cost (parley − bare): ${fmt(r.engineOwnCpuMs, 2)} ms CPU per flow` +
      ` (target ≤ ${r.targetOwnCpuMs} ms: ${r.engineOwnCpuMs <= r.targetOwnCpuMs ? 'met' : 'NOT met'})`,
  );
}

export function printAgentSearch(r: AgentSearchResult): void {
  const dbs = [r.sqlite, ...(r.postgres ? [r.postgres] : [])];
  const pg = r.postgres;
  console.log(
    `\n[5/6] agent search: ${fmt(r.sqlite.conversations)} conversations, ${fmt(r.sqlite.messages)} messages,` +
      ` pages of 25 through createLocalIndex().search, the same data and queries on ${dbs.map((d) => d.dialect).join(' and ')}` +
      `\n      (seeded in ${dbs.map((d) => `${d.dialect} ${fmt(d.seedSeconds, 1)} s`).join(', ')})`,
  );
  const met = (ms: number) => (ms <= SEARCH_TARGET_P95_MS ? 'met' : 'NOT met');
  table(
    [
      'search',
      'runs',
      'sqlite p50',
      'sqlite p95',
      ...(pg ? ['postgres p50', 'postgres p95'] : []),
      'target p95',
      'met',
      'mean hits',
    ],
    r.sqlite.kinds.map((k, i) => {
      const p = pg?.kinds[i];
      return [
        k.kind,
        fmt(k.runs),
        fmt(k.p50Ms, 2),
        fmt(k.p95Ms, 2),
        ...(p ? [fmt(p.p50Ms, 2), fmt(p.p95Ms, 2)] : []),
        `≤ ${SEARCH_TARGET_P95_MS} ms`,
        p ? `${met(k.p95Ms)} / ${met(p.p95Ms)}` : met(k.p95Ms),
        p && p.meanHits !== k.meanHits ? `${fmt(k.meanHits, 1)} / ${fmt(p.meanHits, 1)}` : fmt(k.meanHits, 1),
      ];
    }),
  );
  for (const d of dbs) {
    console.log(
      `  ${d.dialect} baseline, topic by LIKE '%word%' over bodies: p50 ${fmt(d.naive.p50Ms, 1)} ms, p95 ${fmt(d.naive.p95Ms, 1)} ms` +
        ` (${d.naive.runs} runs); ${fmt(d.naiveRatio, d.naiveRatio < 10 ? 1 : 0)}× the indexed common-word search's p50`,
    );
  }
}

export function printMemoryBacklog(r: MemoryBacklogResult): void {
  console.log(
    `\n[6/6] memory: ${fmt(r.jobs)} pending jobs in SQLite (enqueued in ${fmt(r.seedSeconds, 1)} s), then a worker` +
      ` (8 at a time, no-op handler) for ${r.workSeconds} s`,
  );
  table(
    ['process', 'RSS MB', 'target', 'met'],
    [
      ['store open, queue empty (baseline)', fmt(r.emptyRssMb), '', ''],
      [
        'after the backlog was enqueued',
        fmt(r.backlogRssMb),
        `≤ ${MEMORY_TARGET_MB}`,
        r.backlogRssMb <= MEMORY_TARGET_MB ? 'met' : 'NOT met',
      ],
      ['peak while enqueuing', fmt(r.enqueuePeakRssMb), '', ''],
      ['peak while working', fmt(r.workPeakRssMb), '', ''],
      [
        'peak while enqueuing and working',
        fmt(r.peakRssMb),
        `≤ ${MEMORY_TARGET_MB}`,
        r.peakRssMb <= MEMORY_TARGET_MB ? 'met' : 'NOT met',
      ],
    ],
  );
  console.log(
    `  peak ${fmt(r.peakRssMb / r.emptyRssMb, 2)}× the empty baseline; worked off ${fmt(r.processed)} jobs, ${fmt(r.pendingAfter)} still pending`,
  );
}

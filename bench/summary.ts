/**
 * The closing table of `npm run bench`: one line per target the benchmarks are held to, with the figure
 * measured in this run and whether it met the target. Scenarios left out by BENCH_ONLY are left out here.
 */
import { type AgentSearchResult, SEARCH_TARGET_P95_MS, type SearchDatabaseResult } from './agent-search.js';
import { fmt } from './bench-env.js';
import type { DurableIntakeResult } from './durable-intake.js';
import type { EngineOverheadResult } from './engine-overhead.js';
import { MEMORY_TARGET_MB, type MemoryBacklogResult } from './memory-backlog.js';
import type { RateJitterResult } from './rate-jitter.js';
import type { RateUseResult, RateUseRow } from './rate-limit-use.js';
import type { ScaleResult } from './scale.js';
import { HELP_RATIO_TARGET, IDLE_RSS_TARGET_MB, type StartupResult } from './startup.js';

export interface SummaryRow {
  scenario: string;
  measure: string;
  value: string;
  target: string;
  met: boolean;
}

export interface BenchResults {
  rate?: RateUseResult;
  jitter?: RateJitterResult;
  intake?: DurableIntakeResult;
  engine?: EngineOverheadResult;
  search?: AgentSearchResult;
  memory?: MemoryBacklogResult;
  startup?: StartupResult;
  scale?: ScaleResult;
}

const pct = (share: number) => `${fmt(share * 100, 1)} %`;
const parleyRow = (rows: RateUseRow[]) => rows.find((row) => row.kind === 'parley');

function pacingRows(scenario: string, rows: RateUseRow[], minShare: number): SummaryRow[] {
  const parley = parleyRow(rows);
  if (parley === undefined) return [];
  return [
    {
      scenario,
      measure: 'parley: share of the ceiling, 429s',
      value: `${pct(parley.ceilingShare)}, ${parley.rateLimited} × 429`,
      target: `≥ ${minShare * 100} %, 0 × 429`,
      met: parley.ceilingShare >= minShare && parley.rateLimited === 0,
    },
  ];
}

function searchRow(db: SearchDatabaseResult): SummaryRow {
  const worst = db.kinds.reduce((a, b) => (b.p95Ms > a.p95Ms ? b : a));
  const over = db.kinds.filter((kind) => kind.p95Ms > SEARCH_TARGET_P95_MS).length;
  return {
    scenario: 'search',
    measure: `${db.dialect}: worst p95 of ${db.kinds.length} kinds`,
    value: `${fmt(worst.p95Ms, 1)} ms (${worst.kind}); ${over} kind(s) over`,
    target: `≤ ${SEARCH_TARGET_P95_MS} ms each`,
    met: over === 0,
  };
}

export function summaryRows(results: BenchResults): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const { rate, jitter, intake, engine, search, memory, startup, scale } = results;
  if (rate) rows.push(...pacingRows('rate', rate.rows, 0.97));
  if (jitter) rows.push(...pacingRows('jitter', jitter.rows, 0.95));
  if (intake) {
    for (const [name, side] of [
      ['SQLite', intake],
      ['PostgreSQL', intake.postgres],
    ] as const) {
      if (!side) continue;
      rows.push({
        scenario: 'intake',
        measure: `${name}: intake ÷ no-op route, p99`,
        value: `${fmt(side.ratio, 2)}, p99 ${fmt(side.intake.p99Ms, 1)} ms`,
        target: '≥ 0.50, p99 < 25 ms',
        met: side.ratio >= 0.5 && side.intake.p99Ms < 25,
      });
    }
  }
  if (engine) {
    rows.push({
      scenario: 'engine',
      measure: "parley's own CPU per welcome flow",
      value: `${fmt(engine.engineOwnCpuMs, 2)} ms`,
      target: `≤ ${engine.targetOwnCpuMs} ms`,
      met: engine.engineOwnCpuMs <= engine.targetOwnCpuMs,
    });
  }
  if (search) {
    rows.push(searchRow(search.sqlite));
    if (search.postgres) rows.push(searchRow(search.postgres));
  }
  if (memory) {
    rows.push({
      scenario: 'memory',
      measure: 'peak RSS, 1M-job backlog',
      value: `${fmt(memory.peakRssMb)} MB`,
      target: `≤ ${MEMORY_TARGET_MB} MB`,
      met: memory.peakRssMb <= MEMORY_TARGET_MB,
    });
  }
  if (startup) {
    rows.push(
      {
        scenario: 'startup',
        measure: '`parley --help` ÷ `node -e 0`, medians',
        value: `${fmt(startup.helpRatio, 2)}× (${fmt(startup.helpMedianMs)} ms)`,
        target: `≤ ${HELP_RATIO_TARGET}×`,
        met: startup.helpRatio <= HELP_RATIO_TARGET,
      },
      {
        scenario: 'startup',
        measure: '`parley start` idle RSS',
        value: `${fmt(startup.idleRssMb)} MB (${fmt(startup.settledRssMb)} MB after ${startup.settledSeconds} s)`,
        target: `≤ ${IDLE_RSS_TARGET_MB} MB`,
        met: startup.idleRssMb <= IDLE_RSS_TARGET_MB,
      },
    );
  }
  if (scale) {
    rows.push(
      {
        scenario: 'scale',
        measure: '4 workers ÷ 1 worker, welcomes/s; 429s',
        value: `${fmt(scale.speedup, 2)}× (${fmt(scale.one.welcomesPerSecond, 1)} → ${fmt(scale.four.welcomesPerSecond, 1)}/s), ${scale.rateLimited} × 429`,
        target: '≥ 3.5×, 0 × 429',
        met: scale.speedup >= 3.5 && scale.rateLimited === 0,
      },
      {
        scenario: 'scale',
        measure: 'pickup at idle, PostgreSQL p50 (SQLite p50)',
        value: `${fmt(scale.pickup.postgres.p50Ms, 1)} ms (${fmt(scale.pickup.sqlite.p50Ms, 1)} ms)`,
        target: '≤ 20 ms',
        met: scale.pickup.postgres.p50Ms <= 20 && scale.pickup.sqlite.p50Ms <= 20,
      },
    );
  }
  return rows;
}

export function printSummary(rows: SummaryRow[]): void {
  if (rows.length === 0) return;
  const widths = [8, 44, 52, 20];
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  console.log('\nsummary: every target in this run');
  console.log(line(['scenario', 'measure', 'this run', 'target', 'met']));
  for (const row of rows) console.log(line([row.scenario, row.measure, row.value, row.target, row.met ? 'yes' : 'NO']));
}

/**
 * `npm run bench`: every scenario reports against a baseline measured in the same run, as a ratio.
 * Nothing here is asserted by tests; the tables print each figure beside its target.
 * Figures are printed as tables and written to bench/results/latest.json.
 *
 * Sizes come from the environment (defaults keep the whole run under ~10 minutes on 2 cores):
 * BENCH_ONLY=client,rate,intake,engine (a subset), BENCH_RATE_FLOWS (3000), BENCH_RATE_CONCURRENCY (50),
 * BENCH_RATE_MAX (100), BENCH_RATE_INTERVAL_MS (500), BENCH_RATE_TIMEOUT_S (300),
 * BENCH_INTAKE_CONNECTIONS (10), BENCH_INTAKE_SECONDS (5), BENCH_INTAKE_ROUNDS (3),
 * BENCH_INTAKE_POSTGRES=0 (intake on SQLite only),
 * BENCH_ENGINE_FLOWS (1000), BENCH_ENGINE_CONCURRENCY (20), BENCH_ENGINE_ROUNDS (2),
 * BENCH_SEARCH_CONVERSATIONS (100000), BENCH_SEARCH_MESSAGES_PER (10), BENCH_SEARCH_RUNS (300),
 * BENCH_SEARCH_POSTGRES=0 (search on SQLite only), BENCH_MEMORY_JOBS (1000000), BENCH_MEMORY_SECONDS (20),
 * BENCH_STARTUP_RUNS (5), BENCH_STARTUP_IDLE_S (5),
 * BENCH_JITTER_FLOWS (110), BENCH_JITTER_CONCURRENCY (50), BENCH_JITTER_MAX (100), BENCH_JITTER_INTERVAL_MS (10000),
 * BENCH_JITTER_MS (300, uniform 0..N per call), BENCH_JITTER_TIMEOUT_S (240),
 * BENCH_SCALE_LOCATIONS (40), BENCH_SCALE_WELCOMES (400 per phase), BENCH_SCALE_LATENCY_MS (100),
 * BENCH_SCALE_SAMPLES (10 webhook → welcome), BENCH_SCALE_PICKUPS (50), BENCH_SCALE_PHASE_TIMEOUT_S (75),
 * BENCH_SCALE_WORKER_NODE_ARGS (extra node flags for the scale workers, e.g. --cpu-prof),
 * BENCH_PG_TCP=1 (reach the embedded PostgreSQL over TCP instead of its Unix socket).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchAgentSearch } from './agent-search.js';
import { fmt, rssMb } from './bench-env.js';
import { benchClientOverhead } from './client-overhead.js';
import { benchDurableIntake } from './durable-intake.js';
import { benchEngineOverhead } from './engine-overhead.js';
import { benchMemoryBacklog } from './memory-backlog.js';
import {
  printAgentSearch,
  printClientOverhead,
  printDurableIntake,
  printEngineOverhead,
  printMemoryBacklog,
  printRateUse,
} from './print-tables.js';
import { benchRateJitter, printRateJitter } from './rate-jitter.js';
import { benchRateLimitUse } from './rate-limit-use.js';
import { benchScale, printScale } from './scale.js';
import { benchStartup, printStartup } from './startup.js';
import { type BenchResults, printSummary, summaryRows } from './summary.js';

const SCENARIOS = ['client', 'rate', 'intake', 'engine', 'search', 'memory', 'startup', 'scale', 'jitter'] as const;
type ScenarioName = (typeof SCENARIOS)[number];

const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
for (const name of only) {
  if (!(SCENARIOS as readonly string[]).includes(name)) {
    console.error(`BENCH_ONLY: unknown scenario ${JSON.stringify(name)}; expected some of ${SCENARIOS.join(', ')}`);
    process.exit(2);
  }
}
const selected = (name: ScenarioName) => only.length === 0 || only.includes(name);

const load = () =>
  loadavg()
    .map((x) => fmt(x, 2))
    .join(' / ');
const startedAt = new Date().toISOString();
const loadAverageAtStart = loadavg();
console.log(`parley bench — node ${process.version}, ${cpus().length} CPUs, ${startedAt}`);
console.log(`machine load (1/5/15 min) at start: ${load()}`);

const results: Record<string, unknown> = {};
const after = (name: ScenarioName, figures: unknown) => {
  const rss = rssMb();
  const loadNow = loadavg();
  results[name] = { ...(figures as object), benchRssMb: rss, loadAverageAtEnd: loadNow };
  console.log(`  bench process RSS at end: ${fmt(rss)} MB; machine load at end: ${load()}`);
};

if (selected('client')) {
  const r = await benchClientOverhead();
  printClientOverhead(r);
  after('client', r);
}
if (selected('rate')) {
  const r = await benchRateLimitUse();
  printRateUse(r);
  after('rate', r);
}
if (selected('intake')) {
  const r = await benchDurableIntake();
  printDurableIntake(r);
  after('intake', r);
}
if (selected('engine')) {
  const r = await benchEngineOverhead();
  printEngineOverhead(r);
  after('engine', r);
}
if (selected('search')) {
  const r = await benchAgentSearch();
  printAgentSearch(r);
  after('search', r);
}
if (selected('memory')) {
  const r = await benchMemoryBacklog();
  printMemoryBacklog(r);
  after('memory', r);
}
if (selected('startup')) {
  const r = await benchStartup();
  printStartup(r);
  after('startup', r);
}
if (selected('jitter')) {
  const r = await benchRateJitter();
  printRateJitter(r);
  after('jitter', r);
}
if (selected('scale')) {
  const r = await benchScale();
  printScale(r);
  after('scale', r);
}

const summary = summaryRows(results as BenchResults);
printSummary(summary);

const dir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(dir, { recursive: true });
const file = `${dir}latest.json`;
writeFileSync(
  file,
  `${JSON.stringify({ startedAt, node: process.version, cpus: cpus().length, loadAverageAtStart, results, summary }, null, 2)}\n`,
);
console.log(`\nfigures written to bench/results/latest.json`);

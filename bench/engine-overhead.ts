/**
 * Scenario: engine overhead (target: <= 0.5 ms of parley's own CPU per welcome flow, sandbox
 * at zero latency and no limits). The sandbox runs in another process, so this process's
 * `process.cpuUsage()` is parley's own work. parley's path (workflow engine + journal on SQLite +
 * client + rate scheduler) and the baseline (the same HTTP calls with plain fetch) alternate in
 * rounds at the same concurrency; the difference is what the engine adds per flow.
 */
import { performance } from 'node:perf_hooks';
import { envInt } from './bench-env.js';
import { createParleyFlowRunner } from './parley-flow.js';
import { startRemoteSandbox } from './sandbox-admin.js';
import { benchAttendee, plainCaller, plainWelcomeFlow, runPool } from './welcome-flow.js';

export interface EngineSide {
  flows: number;
  completed: number;
  cpuMsPerFlow: number;
  wallMsPerFlow: number;
}

export interface EngineOverheadResult {
  concurrency: number;
  rounds: number;
  source: string;
  bare: EngineSide;
  parley: EngineSide;
  /** parley CPU per flow ÷ bare CPU per flow */
  ratio: number;
  /** parley CPU per flow − bare CPU per flow: the engine's own cost */
  engineOwnCpuMs: number;
  /** The bar `engineOwnCpuMs` is held to, so bench/results/latest.json carries it beside the figure. */
  targetOwnCpuMs: number;
}

export const ENGINE_OWN_CPU_TARGET_MS = 0.5;

async function measure(flows: number, concurrency: number, task: (i: number) => Promise<void>) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const completed = await runPool(flows, concurrency, task);
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { completed, cpuMs: (used.user + used.system) / 1000, wallMs };
}

export async function benchEngineOverhead(): Promise<EngineOverheadResult> {
  const flows = envInt('BENCH_ENGINE_FLOWS', 1_000);
  const concurrency = envInt('BENCH_ENGINE_CONCURRENCY', 20);
  const rounds = envInt('BENCH_ENGINE_ROUNDS', 2);
  const perRound = Math.max(1, Math.floor(flows / rounds));
  const sandbox = await startRemoteSandbox({
    burstLimit: 1_000_000_000,
    burstIntervalMs: 1_000,
    dailyLimit: 1_000_000_000,
  });
  try {
    const parleyLocation = await sandbox.newLocation();
    const bareLocation = await sandbox.newLocation();
    const runner = await createParleyFlowRunner({ baseUrl: sandbox.url, ...parleyLocation });
    const call = plainCaller(sandbox.url, bareLocation.token);
    let bareSerial = 0;
    let parleySerial = 0;
    const bareTask = () => plainWelcomeFlow(call, bareLocation.locationId, benchAttendee('bare', bareSerial++));
    const parleyTask = () => runner.run(benchAttendee('parley', parleySerial++));
    try {
      await measure(50, concurrency, bareTask); // warm-up: JIT, sockets, SQLite pages, templates
      await measure(50, concurrency, parleyTask);
      const bare = { completed: 0, cpuMs: 0, wallMs: 0 };
      const parley = { completed: 0, cpuMs: 0, wallMs: 0 };
      for (let round = 0; round < rounds; round++) {
        for (const [side, task] of [
          [bare, bareTask],
          [parley, parleyTask],
        ] as const) {
          const m = await measure(perRound, concurrency, task);
          side.completed += m.completed;
          side.cpuMs += m.cpuMs;
          side.wallMs += m.wallMs;
        }
      }
      const total = perRound * rounds;
      const view = (s: typeof bare): EngineSide => ({
        flows: total,
        completed: s.completed,
        cpuMsPerFlow: s.cpuMs / total,
        wallMsPerFlow: s.wallMs / total,
      });
      const bareView = view(bare);
      const parleyView = view(parley);
      return {
        concurrency,
        rounds,
        source: runner.source,
        bare: bareView,
        parley: parleyView,
        ratio: parleyView.cpuMsPerFlow / bareView.cpuMsPerFlow,
        engineOwnCpuMs: parleyView.cpuMsPerFlow - bareView.cpuMsPerFlow,
        targetOwnCpuMs: ENGINE_OWN_CPU_TARGET_MS,
      };
    } finally {
      await runner.close();
    }
  } finally {
    await sandbox.close();
  }
}

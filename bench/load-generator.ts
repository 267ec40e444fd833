/**
 * A small keep-alive HTTP load generator (node:http): `connections` loops, each with its own socket,
 * POSTing a fresh body back to back for `durationMs`, recording each request's latency. It runs in
 * the bench's main process; the server it measures runs in another.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface LoadResult {
  requests: number;
  /** Answers outside 2xx (and socket errors). */
  failures: number;
  statuses: Record<string, number>;
  durationMs: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LoadOptions {
  url: string;
  path: string;
  connections: number;
  durationMs: number;
  /** The body of request `i` (JSON text). */
  body: (i: number) => string;
}

function post(agent: Agent, url: URL, path: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export async function generateLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let failures = 0;
  let next = 0;
  const start = performance.now();
  const end = start + options.durationMs;
  const loop = async () => {
    while (performance.now() < end) {
      const body = options.body(next++);
      const sent = performance.now();
      const status = await post(agent, url, options.path, body);
      latencies.push(performance.now() - sent);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status < 200 || status >= 300) failures++;
    }
  };
  await Promise.all(Array.from({ length: options.connections }, loop));
  const durationMs = performance.now() - start;
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    failures,
    statuses,
    durationMs,
    perSecond: (latencies.length / durationMs) * 1000,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
}

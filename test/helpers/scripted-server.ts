/**
 * A real node:http server on 127.0.0.1 that answers from a queue of scripted responses and records
 * every request it received. A fake at the network boundary, for client tests that need exact
 * control (a 500 then a 200, a hang, a reset) that the sandbox does not script.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  /** Sent as JSON with content-type application/json. */
  json?: unknown;
  /** Sent as is (wins over `json`). */
  body?: string | Buffer;
  /** Never answer (until the server closes). */
  hang?: boolean;
  /** Destroy the socket without answering (a connection reset after the request arrived). */
  reset?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface ScriptedServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Queue responses; each request takes the next one. An empty queue answers 599 so tests notice. */
  enqueue(...responses: ScriptedResponse[]): void;
  /** Pending scripted responses not yet used. */
  remaining(): number;
  close(): Promise<void>;
}

export async function startScriptedServer(options: { port?: number } = {}): Promise<ScriptedServer> {
  const queue: ScriptedResponse[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      const next = queue.shift() ?? { status: 599, json: { message: 'scripted server: no response queued' } };
      if (next.hang) return;
      if (next.reset) {
        req.socket.destroy();
        return;
      }
      const headers: Record<string, string> = { ...next.headers };
      let payload: string | Buffer = '';
      if (next.body !== undefined) payload = next.body;
      else if (next.json !== undefined) {
        payload = JSON.stringify(next.json);
        headers['content-type'] ??= 'application/json';
      }
      res.writeHead(next.status ?? 200, headers);
      res.end(payload);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    enqueue: (...responses) => queue.push(...responses),
    remaining: () => queue.length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port that nothing listens on right now (for "connection refused"). */
export async function unusedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

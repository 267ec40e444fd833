/**
 * For Accelevents sandbox tests over real HTTP: a local webhook receiver that records each JSON body,
 * and a caller for the sandbox's /sandbox/accelevents/* control routes. Close the receiver in afterEach.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Receiver {
  url: string;
  bodies: any[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const bodies: any[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString()));
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/accelevents`,
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** POSTs `body` as JSON to `${origin}/sandbox/accelevents/${path}`. */
export async function admin(origin: string, path: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${origin}/sandbox/accelevents/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

import { verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { OperationHandler } from '../../src/sandbox/highlevel/types.js';
import { readJson, type SandboxHandle, withSandbox } from '../helpers/sandbox.js';

interface Received {
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

let handle: SandboxHandle | undefined;
let receiver: Server | undefined;

afterEach(async () => {
  await handle?.close();
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
  handle = undefined;
  receiver = undefined;
});

/** A real local webhook receiver that answers with the given statuses in turn (the last one repeats). */
async function startReceiver(statuses: number[]): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks), headers: req.headers });
      res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/highlevel`, received };
}

/** A handler of our own that emits one event per call, the way the domain layer does. */
const emittingHandler: OperationHandler = (req, ctx) => {
  ctx.emit({
    type: 'ConversationUnreadUpdate',
    locationId: req.principal.locationId!,
    id: req.params['conversationId'],
    unreadCount: 0,
  });
  return { status: 200, body: { success: true } };
};

async function start(webhookUrl?: string) {
  const sleeps: number[] = [];
  handle = await withSandbox({
    handlers: { 'update-conversation': emittingHandler },
    now: () => Date.UTC(2026, 0, 5, 12),
    ...(webhookUrl ? { webhookUrl } : {}),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { sleeps };
}

async function triggerEvent() {
  const { accessToken } = handle!.sandbox.issueToken();
  const res = await fetch(`${handle!.url}/conversations/conv123`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${accessToken}`, version: '2021-04-15', 'content-type': 'application/json' },
    body: JSON.stringify({ locationId: handle!.sandbox.defaultLocationId, unreadCount: 0 }),
  });
  expect(res.status).toBe(200);
}

describe('sandbox webhooks', () => {
  /** One event delivered to a receiver that accepts it; what the receiver got. */
  async function deliveredOnce() {
    const hook = await startReceiver([200]);
    await start(hook.url);
    await triggerEvent();
    await handle!.sandbox.webhooks.flush();
    expect(hook.received).toHaveLength(1);
    return hook.received[0]!;
  }

  it('signs a delivery so that both published keys, Ed25519 then RSA, verify it', async () => {
    const { body, headers } = await deliveredOnce();
    const keys = await readJson(await fetch(`${handle!.url}/sandbox/webhook-keys`));
    expect(keys).toEqual(handle!.sandbox.webhookPublicKeys);
    const ghl = Buffer.from(String(headers['x-ghl-signature']), 'base64');
    const wh = Buffer.from(String(headers['x-wh-signature']), 'base64');
    expect(verify(null, body, keys.ed25519, ghl)).toBe(true);
    expect(verify('sha256', body, keys.rsa, wh)).toBe(true);
    expect(verify(null, Buffer.from(`${body} `), keys.ed25519, ghl)).toBe(false);
  });

  it('delivers the event as JSON with its webhook fields', async () => {
    const { body, headers } = await deliveredOnce();
    expect(headers['content-type']).toBe('application/json');
    const payload = JSON.parse(body.toString());
    expect(payload).toMatchObject({
      type: 'ConversationUnreadUpdate',
      locationId: handle!.sandbox.defaultLocationId,
      id: 'conv123',
      unreadCount: 0,
      appId: 'sandbox',
      timestamp: '2026-01-05T12:00:00.000Z',
    });
    expect(payload.webhookId).toMatch(/^[0-9a-f-]{36}$/);
    expect(handle!.sandbox.webhooks.deliveries[0]).toMatchObject({ outcome: 'delivered', attempts: [{ status: 200 }] });
  });

  it('retries a 429 answer every webhookRetryIntervalMs with the same signed body until it is accepted', async () => {
    const hook = await startReceiver([429, 429, 204]);
    const { sleeps } = await start(hook.url);
    await triggerEvent();
    await handle!.sandbox.webhooks.flush();

    expect(hook.received).toHaveLength(3);
    expect(new Set(hook.received.map((r) => r.body.toString())).size).toBe(1);
    expect(sleeps).toEqual([600_000, 600_000]);
    const delivery = handle!.sandbox.webhooks.deliveries[0]!;
    expect(delivery.outcome).toBe('delivered');
    expect(delivery.attempts.map((a) => a.status)).toEqual([429, 429, 204]);
  });

  it('gives up after six retries of a receiver that keeps answering 429', async () => {
    const hook = await startReceiver([429]);
    const { sleeps } = await start(hook.url);
    await triggerEvent();
    await handle!.sandbox.webhooks.flush();
    expect(hook.received).toHaveLength(7);
    expect(sleeps).toHaveLength(6);
    expect(handle!.sandbox.webhooks.deliveries[0]!.outcome).toBe('failed');
  });

  it('does not retry any other failure, such as a 500', async () => {
    const hook = await startReceiver([500, 200]);
    const { sleeps } = await start(hook.url);
    await triggerEvent();
    await handle!.sandbox.webhooks.flush();
    expect(hook.received).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(handle!.sandbox.webhooks.deliveries[0]).toMatchObject({ outcome: 'failed', attempts: [{ status: 500 }] });
  });

  it('records the event as skipped when no webhook URL is configured', async () => {
    await start();
    await triggerEvent();
    await handle!.sandbox.webhooks.flush();
    expect(handle!.sandbox.webhooks.deliveries).toHaveLength(1);
    expect(handle!.sandbox.webhooks.deliveries[0]).toMatchObject({ outcome: 'skipped', url: null, attempts: [] });
  });
});

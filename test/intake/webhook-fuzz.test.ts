/**
 * Fuzzed and replayed webhooks: no crash, and no unverified event stored. About
 * 2 000 generated deliveries per database, from a seeded generator so a failure can be replayed:
 * random bytes, truncated and byte-flipped JSON, huge strings, deep nesting, wrong types, missing
 * fields, junk form bodies, random content types and headers. Every answer must be a deliberate 2xx
 * or 4xx; the Accelevents route must have stored exactly the deliveries it answered 202; the HighLevel
 * route must store nothing unsigned or badly signed, and each validly signed event exactly once however
 * often it is replayed.
 */
import { generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createConnectionRepository } from '../../src/credentials/connection-repository.js';
import { createHighLevelTokenClient } from '../../src/highlevel/oauth/token-client.js';
import { registerAcceleventsWebhookRoute } from '../../src/intake/accelevents-webhook-route.js';
import { parseWebhookKeys } from '../../src/intake/highlevel/webhook-keys.js';
import { registerHighLevelWebhookRoute } from '../../src/intake/highlevel/webhook-route.js';
import { createAcceleventsWebhookSecret } from '../../src/intake/webhook-secret.js';
import { openVault } from '../../src/vault/open-vault.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { createInboxTestQueue } from './inbox-test-queue.js';
import { inboxRows, silent } from './intake-app.js';

const SEED = Number(process.env['PARLEY_FUZZ_SEED'] ?? 20260401);
const ROUNDS_PER_ROUTE = 1000;

function generator(seed: number) {
  const random = seededRandom(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const text = (n: number) => Array.from({ length: n }, () => String.fromCharCode(32 + int(95))).join('');
  const junkValue = (depth = 0): unknown => {
    switch (int(depth > 3 ? 6 : 9)) {
      case 0:
        return null;
      case 1:
        return int(2) === 0;
      case 2:
        return pick([0, -1, 1e308, Number.MAX_SAFE_INTEGER, 3.14]);
      case 3:
        return text(int(40));
      case 4:
        return pick(['', ' ', '\u0000', '\ud800', '💥', '__proto__', 'constructor', 'attendee.registered', 'CHECK_IN']);
      case 5:
        return 'x'.repeat(int(5000));
      case 6:
        return Array.from({ length: int(4) }, () => junkValue(depth + 1));
      default:
        return Object.fromEntries(Array.from({ length: int(5) }, () => [pick(FIELD_NAMES), junkValue(depth + 1)]));
    }
  };
  const FIELD_NAMES = [
    'topic',
    'type',
    'event',
    'barcode',
    'email',
    'orderId',
    'attendee',
    'data',
    'eventUrl',
    'ticketStatus',
    '__proto__',
    'constructor',
    'webhookId',
    'timestamp',
    'appId',
    'locationId',
    text(6),
  ];
  const valid = () => ({
    topic: pick(['attendee.registered', 'ticket.purchased', 'attendee.checked_in', 'REGISTRATION', 'unknown']),
    barcode: `B-${int(50)}`,
    email: `a${int(50)}@example.com`,
    eventUrl: 'parley-spring-summit',
    ticketStatus: pick(['BOOKED', 'CHECKED_IN']),
  });
  const deep = (n: number) => (int(2) === 0 ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n));
  const mutate = (buffer: Buffer) => {
    const copy = Buffer.from(buffer);
    for (let i = 0; i < 1 + int(4); i += 1) if (copy.length > 0) copy[int(copy.length)] = int(256);
    return copy;
  };

  /** One body, as bytes. */
  const body = (): Buffer => {
    switch (int(12)) {
      case 0:
        return bytes(int(2000));
      case 1: {
        const json = JSON.stringify(valid());
        return Buffer.from(json.slice(0, int(json.length)));
      }
      case 2:
        return Buffer.from(JSON.stringify({ ...valid(), junk: 'y'.repeat(100_000 + int(1_100_000)) }));
      case 3:
        return Buffer.from(deep(1000 + int(60_000)));
      case 4:
        return Buffer.from(JSON.stringify(junkValue()));
      case 5: {
        const payload: Record<string, unknown> = valid();
        for (const key of Object.keys(payload)) if (int(2) === 0) delete payload[key];
        return Buffer.from(JSON.stringify(payload));
      }
      case 6:
        return mutate(Buffer.from(JSON.stringify(valid())));
      case 7: {
        const pairs = Array.from(
          { length: int(20) },
          () =>
            `${pick(['topic', 'attendee[email]', 'a[b][c][d][e][f][g]', 'x[]', '[', 'a]', '%zz', text(5)])}=${encodeURIComponent(text(int(30)))}`,
        );
        return Buffer.from(pairs.join(pick(['&', '&&', ';'])));
      }
      case 8:
        return Buffer.from(
          JSON.stringify({ ...valid(), barcode: junkValue(), email: junkValue(), topic: junkValue() }),
        );
      case 9:
        return Buffer.from(
          JSON.stringify(Object.assign(Object.create(null), JSON.parse('{"__proto__":{"polluted":1}}'), valid())),
        );
      case 10:
        return Buffer.from('');
      default:
        return Buffer.from(JSON.stringify(valid()));
    }
  };

  const CONTENT_TYPES = [
    'application/json',
    'application/json; charset=utf-8',
    'application/x-www-form-urlencoded',
    'text/plain',
    'application/vnd.api+json',
    'multipart/form-data; boundary=x',
    '',
    ';;;',
    'application/json; charset=latin1',
    text(12),
  ];
  const headers = (): Record<string, string> => {
    const out: Record<string, string> = {};
    const contentType = pick([...CONTENT_TYPES, undefined]);
    if (contentType !== undefined && contentType !== '') out['content-type'] = contentType;
    for (let i = 0; i < int(4); i += 1) {
      const name = pick([
        'x-ghl-signature',
        'x-wh-signature',
        'x-delivery-id',
        'x-accelevents-topic',
        'cookie',
        `x-${text(5).replace(/[^a-z]/gi, 'q')}`,
      ]);
      out[name.toLowerCase()] = pick([
        text(int(200)),
        randomBytes(int(600)).toString('base64'),
        '',
        '====',
        'sha256=00',
      ]);
    }
    return out;
  };
  return { body, headers, int, pick, mutate };
}

/** Statuses a deliberate answer may have; anything else (5xx above all) is a crash or a leak. */
const ALLOWED = new Set([200, 202, 400, 401, 404, 413, 415]);

describeEachDatabase('webhook fuzz', (getStore) => {
  let app: FastifyInstance;
  let secret: string;
  const signer = generateKeyPairSync('ed25519');

  beforeAll(async () => {
    const { db } = getStore();
    secret = await createAcceleventsWebhookSecret(db);
    const queue = createInboxTestQueue(db);
    app = Fastify({ logger: false });
    await registerAcceleventsWebhookRoute(app, { db, queue, logger: silent });
    await registerHighLevelWebhookRoute(app, {
      keys: parseWebhookKeys({
        ed25519: [signer.publicKey.export({ type: 'spki', format: 'pem' }).toString()],
        rsa: [],
      }),
      repository: createConnectionRepository({
        db,
        vault: await openVault({ db, masterKey: randomBytes(32), logger: silent }),
      }),
      // Never reached: no fuzzed INSTALL is validly signed.
      tokenClient: createHighLevelTokenClient({ baseUrl: 'http://127.0.0.1:9', clientId: 'c', clientSecret: 's' }),
      appId: 'fuzz-app',
      logger: silent,
      inbox: { db, queue },
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
  });

  /** Throws naming the first case whose answer was not a deliberate one. */
  function expectDeliberate(answers: { status: number; body: string }[], seed: number) {
    answers.forEach((res, i) => {
      if (!ALLOWED.has(res.status)) throw new Error(`case ${i} (seed ${seed}) answered ${res.status}: ${res.body}`);
    });
  }

  /** The one fuzz run of the Accelevents route that its tests read. */
  let acceleventsRun: Promise<{ answers: { status: number; body: string }[] }> | undefined;
  function fuzzAccelevents() {
    acceleventsRun ??= (async () => {
      const fuzz = generator(SEED);
      const answers: { status: number; body: string }[] = [];
      for (let i = 0; i < ROUNDS_PER_ROUTE; i += 1) {
        const path =
          fuzz.int(10) === 0
            ? `/hooks/accelevents/${fuzz.pick(['x', secret.slice(1), `${secret}%00`])}`
            : `/hooks/accelevents/${secret}`;
        const res = await app.inject({ method: 'POST', url: path, headers: fuzz.headers(), payload: fuzz.body() });
        answers.push({ status: res.statusCode, body: res.body.slice(0, 300) });
      }
      return { answers };
    })();
    return acceleventsRun;
  }

  it('answers every fuzzed Accelevents delivery with a deliberate 2xx/4xx', async () => {
    const { answers } = await fuzzAccelevents();
    expectDeliberate(answers, SEED);
    const statuses = new Set(answers.map((a) => a.status));
    expect([...statuses].filter((s) => s >= 400).length).toBeGreaterThanOrEqual(4);
  });

  it('stores exactly the fuzzed Accelevents deliveries it answered 202', async () => {
    const { answers } = await fuzzAccelevents();
    const accepted = answers.filter((a) => a.status === 202).length;
    expect(accepted).toBeGreaterThan(20);
    expect(await inboxRows(getStore(), 'accelevents')).toHaveLength(accepted);
  });

  /** Fuzzes the HighLevel route; mode 0 replays a validly signed event as is. */
  async function runHighLevelFuzz() {
    const fuzz = generator(SEED + 1);
    const answers: { status: number; body: string; mode: number }[] = [];
    const signedEvents: { body: Buffer; signature: string }[] = [];
    for (let i = 0; i < 10; i += 1) {
      const body = Buffer.from(
        JSON.stringify({
          type: 'InboundMessage',
          webhookId: randomUUID(),
          timestamp: new Date().toISOString(),
          locationId: 'loc',
          body: 'hi',
        }),
      );
      signedEvents.push({ body, signature: sign(null, body, signer.privateKey).toString('base64') });
    }
    const other = generateKeyPairSync('ed25519');
    let replays = 0;
    for (let i = 0; i < ROUNDS_PER_ROUTE; i += 1) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...fuzz.headers() };
      let payload = fuzz.body();
      const mode = fuzz.int(6);
      if (mode === 0) {
        // A valid signed event, replayed as is.
        const event = fuzz.pick(signedEvents);
        payload = event.body;
        headers['x-ghl-signature'] = event.signature;
        replays += 1;
      } else if (mode === 1) {
        // A valid signature over different (mutated) bytes.
        const event = fuzz.pick(signedEvents);
        payload = fuzz.mutate(event.body);
        if (payload.equals(event.body)) payload = Buffer.concat([payload, Buffer.from(' ')]);
        headers['x-ghl-signature'] = event.signature;
      } else if (mode === 2) {
        // Signed, but by a key we do not trust.
        headers['x-ghl-signature'] = sign(null, payload, other.privateKey).toString('base64');
      }
      const res = await app.inject({ method: 'POST', url: '/hooks/highlevel', headers, payload });
      answers.push({ status: res.statusCode, body: res.body.slice(0, 300), mode });
    }
    return { answers, signedEvents, replays };
  }

  /** The one fuzz run of the HighLevel route that its tests read. */
  let highLevelRun: ReturnType<typeof runHighLevelFuzz> | undefined;
  function fuzzHighLevel() {
    highLevelRun ??= runHighLevelFuzz();
    return highLevelRun;
  }

  it('answers every fuzzed HighLevel delivery with a deliberate 2xx/4xx', async () => {
    const { answers } = await fuzzHighLevel();
    expectDeliberate(answers, SEED + 1);
  });

  it('refuses every unsigned or badly signed HighLevel delivery', async () => {
    const { answers } = await fuzzHighLevel();
    answers.forEach((res, i) => {
      if (res.mode !== 0) expect(res.status, `case ${i}`).toBeGreaterThanOrEqual(400);
    });
  });

  it('stores only validly signed HighLevel events, each once however often it is replayed', async () => {
    const { signedEvents, replays } = await fuzzHighLevel();
    expect(replays).toBeGreaterThan(50);
    const stored = await inboxRows(getStore(), 'highlevel');
    const replayed = new Set(signedEvents.map((e) => JSON.parse(e.body.toString()).webhookId));
    expect(stored.length).toBeLessThanOrEqual(signedEvents.length);
    for (const row of stored) expect(replayed.has(row.mapped.webhookId)).toBe(true);
    expect(new Set(stored.map((r) => r.dedupe_key)).size).toBe(stored.length);
    const jobs = await getStore()
      .db.selectFrom('jobs')
      .select('payload')
      .where('kind', '=', 'highlevel.event')
      .execute();
    expect(jobs).toHaveLength(stored.length);
  });
});

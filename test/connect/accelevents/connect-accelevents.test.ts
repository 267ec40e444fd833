/**
 * `parley connect accelevents` in-process against the Accelevents sandbox, on a fresh SQLite data
 * directory with its own master key: the probe, the encrypted key at rest, and the failure messages.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRuntimeFor } from '../../../src/app/open-runtime.js';
import { type ConnectAcceleventsIo, runConnectAccelevents } from '../../../src/cli/commands/connect-accelevents.js';
import type { AcceleventsSandbox } from '../../../src/sandbox/accelevents/create-sandbox.js';
import { rejection, SUMMIT, startSandbox } from '../../accelevents/sandbox-fixture.js';

const API_KEY = 'ae-live-key-5c1f0e9d8b7a6';

let dir: string;
let sandbox: AcceleventsSandbox | undefined;
let out = '';
let info = '';

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-connect-ae-'));
  out = '';
  info = '';
});
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  await rm(dir, { recursive: true, force: true });
});

const masterKey = randomBytes(32).toString('base64');

function io(options: { env?: NodeJS.ProcessEnv; stdin?: string | null } = {}): ConnectAcceleventsIo {
  return {
    cwd: dir,
    env: { PARLEY_DATA_DIR: join(dir, 'data'), PARLEY_MASTER_KEY: masterKey, LOG_LEVEL: 'silent', ...options.env },
    write: (text) => {
      out += text;
    },
    info: (text) => {
      info += text;
    },
    readStdin: async () => options.stdin ?? null,
  };
}

async function storedConnection(accountKey: string) {
  const runtime = await openRuntimeFor(io());
  try {
    const connection = await runtime.repository.findByAccountKey(accountKey);
    const secrets = connection ? await runtime.repository.readSecrets(connection.id) : null;
    const rows = await sql<{ api_key_enc: string | null }>`select api_key_enc from connections`.execute(
      runtime.store.db,
    );
    return { connection, secrets, rows: rows.rows };
  } finally {
    await runtime.close();
  }
}

async function filesUnder(path: string): Promise<Buffer> {
  const names = await readdir(path, { recursive: true, withFileTypes: true });
  const files = names.filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name));
  return Buffer.concat(await Promise.all(files.map((f) => readFile(f))));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('parley connect accelevents', () => {
  /** Connects with the key from ACCELEVENTS_API_KEY and the Key header; answers the sandbox's base URL. */
  async function connectWithKeyFromEnv(): Promise<string> {
    const started = await startSandbox({ apiKey: API_KEY });
    sandbox = started;
    await runConnectAccelevents(
      { baseUrl: started.url, event: SUMMIT, readAuth: 'key', writeAuth: 'key' },
      io({ env: { ACCELEVENTS_API_KEY: API_KEY } }),
    );
    return started.url;
  }

  it('prints the event the probe read', async () => {
    const url = await connectWithKeyFromEnv();
    expect(out).toContain(`Connected Accelevents at ${url}`);
    expect(out).toContain(`probe: event ${SUMMIT} "Parley Spring Summit 2026" (id 101, zone America/New_York)`);
  });

  it('stores the key encrypted in the vault', async () => {
    const url = await connectWithKeyFromEnv();
    const { connection, secrets, rows } = await storedConnection(`accelevents:${url}`);
    expect(connection).toMatchObject({
      provider: 'accelevents',
      kind: 'api_key',
      status: 'ok',
      settings: { baseUrl: url, readAuth: 'key', writeAuth: 'key', eventUrl: SUMMIT },
    });
    expect(secrets?.apiKey).toBe(API_KEY);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.api_key_enc).toMatch(/^v1\./);
    expect(rows[0]!.api_key_enc).not.toContain(API_KEY);
  });

  it('never prints or writes the key in plaintext', async () => {
    const url = await connectWithKeyFromEnv();
    const atRest = await filesUnder(join(dir, 'data'));
    expect(atRest.includes(Buffer.from(`accelevents:${url}`))).toBe(true);
    expect(atRest.includes(API_KEY)).toBe(false);
    expect(out + info).not.toContain(API_KEY);
  });

  /** Connects with the key in a --key-file and answers the JSON the command printed. */
  async function connectWithKeyFile(url: string) {
    const keyFile = join(dir, 'accelevents.key');
    await writeFile(keyFile, `${API_KEY}\n`, { mode: 0o600 });
    await runConnectAccelevents({ baseUrl: url, event: SUMMIT, keyFile, json: true }, io());
    const printed = JSON.parse(out);
    out = '';
    return printed;
  }

  /** Connects with the key piped on stdin and the Authentication header for reads. */
  async function connectWithStdinKey(url: string) {
    await runConnectAccelevents(
      { baseUrl: url, event: SUMMIT, readAuth: 'authentication', json: true },
      io({ stdin: `${API_KEY}\n` }),
    );
    return JSON.parse(out);
  }

  it('reads the key from --key-file', async () => {
    sandbox = await startSandbox({ apiKey: API_KEY });
    const first = await connectWithKeyFile(sandbox.url);
    expect(first).toMatchObject({ kind: 'api_key', settings: { readAuth: 'authorization', writeAuth: 'key' } });
  });

  it('reads the key from piped stdin', async () => {
    sandbox = await startSandbox({ apiKey: API_KEY });
    const second = await connectWithStdinKey(sandbox.url);
    expect(second.settings.readAuth).toBe('authentication');
    expect(out).not.toContain(API_KEY);
  });

  it('keeps the connection id on a reconnect', async () => {
    sandbox = await startSandbox({ apiKey: API_KEY });
    const first = await connectWithKeyFile(sandbox.url);
    const second = await connectWithStdinKey(sandbox.url);
    expect(second.id).toBe(first.id);
  });

  /** Connects with Bearer reads to a sandbox that accepts only the Key header; answers the error. */
  async function connectWithRefusedHeader(): Promise<any> {
    sandbox = await startSandbox({ apiKey: API_KEY, readAuth: 'key' });
    return rejection(
      runConnectAccelevents(
        { baseUrl: sandbox.url, event: SUMMIT, readAuth: 'bearer' },
        io({ env: { ACCELEVENTS_API_KEY: API_KEY } }),
      ),
    );
  }

  it('explains a refused header with the presets to try instead', async () => {
    const error = await connectWithRefusedHeader();
    expect(error.code).toBe('accelevents_unauthorized');
    expect(error.message).toContain(
      'Accelevents refused the key sent as Authorization: Bearer <key> (HTTP 401, 4010101)',
    );
    expect(error.message).toContain(
      'try --read-auth with authorization (Authorization: <key>), key (Key: <key>), authentication',
    );
    expect(error.message).not.toContain(API_KEY);
  });

  it('stores nothing when the header is refused', async () => {
    await connectWithRefusedHeader();
    expect((await storedConnection(`accelevents:${sandbox!.url}`)).connection).toBeNull();
  });

  it('explains an unknown event', async () => {
    sandbox = await startSandbox({ apiKey: API_KEY });
    const env = { ACCELEVENTS_API_KEY: API_KEY };
    const missing = await rejection(
      runConnectAccelevents({ baseUrl: sandbox.url, event: 'no-such-event' }, io({ env })),
    );
    expect(missing.code).toBe('accelevents_not_found');
    expect(missing.message).toContain('Accelevents has no event "no-such-event"');
  });

  it('explains a plan without API access', async () => {
    sandbox = await startSandbox({ apiKey: API_KEY });
    const env = { ACCELEVENTS_API_KEY: API_KEY };
    sandbox.setAccess({ planEnabled: false });
    const plan = await rejection(runConnectAccelevents({ baseUrl: sandbox.url, event: SUMMIT }, io({ env })));
    expect(plan.code).toBe('accelevents_plan_not_enabled');
    expect(plan.message).toContain('API access is not enabled for this account');
  });

  it('explains an unreachable base URL', async () => {
    const port = await freePort();
    const error = await rejection(
      runConnectAccelevents(
        { baseUrl: `http://127.0.0.1:${port}/rest`, event: SUMMIT },
        io({ env: { ACCELEVENTS_API_KEY: API_KEY } }),
      ),
    );
    expect(error.code).toBe('accelevents_network_error');
    expect(error.message).toContain(`could not reach Accelevents at http://127.0.0.1:${port}/rest`);
  });

  it('refuses a bad --read-auth with a usage error naming it', async () => {
    const bad = await rejection(runConnectAccelevents({ event: SUMMIT, readAuth: 'Bearer' }, io()));
    expect(bad).toMatchObject({ code: 'invalid_option', exitCode: 2 });
    expect(bad.message).toBe('--read-auth must be one of authorization, bearer, key, authentication; got "Bearer"');
  });

  it('refuses a missing --event, naming it', async () => {
    const noEvent = await rejection(runConnectAccelevents({}, io()));
    expect(noEvent.message).toMatch(/^--event <eventUrl> is required/);
  });

  it('refuses bad flags before opening the database', async () => {
    await rejection(runConnectAccelevents({ event: SUMMIT, readAuth: 'Bearer' }, io()));
    await rejection(runConnectAccelevents({}, io()));
    await expect(readdir(dir)).resolves.toEqual([]);
  });

  it('refuses a missing key, naming the ways to pass one', async () => {
    sandbox = await startSandbox();
    const noKey = await rejection(runConnectAccelevents({ baseUrl: sandbox.url, event: SUMMIT }, io()));
    expect(noKey.message).toMatch(/^no API key: pass --key-file <path>, set ACCELEVENTS_API_KEY, or pipe it on stdin/);
  });

  it('with --base-url sandbox starts the built-in sandbox on its port for the probe, then stops it', async () => {
    const port = await freePort();
    await runConnectAccelevents({ baseUrl: 'sandbox' }, io({ env: { PARLEY_ACCELEVENTS_SANDBOX_PORT: String(port) } }));
    const url = `http://127.0.0.1:${port}/rest`;
    expect(info).toContain(`Started the Accelevents sandbox on ${url}`);
    expect(out).toContain(`probe: event ${SUMMIT}`);
    const { connection, secrets } = await storedConnection(`accelevents:${url}`);
    expect(connection?.settings).toMatchObject({ baseUrl: url, eventUrl: SUMMIT });
    expect(secrets?.apiKey).toBe('sbx-accelevents-key-0001');
    await expect(fetch(`${url}/host/event/${SUMMIT}/eventDetails`)).rejects.toThrow();
  });

  it('with --base-url sandbox connects to a sandbox already running there', async () => {
    const port = await freePort();
    sandbox = await startSandbox({ port, apiKey: 'custom-sandbox-key-77' });
    await runConnectAccelevents({ baseUrl: 'sandbox' }, io({ env: { PARLEY_ACCELEVENTS_SANDBOX_PORT: String(port) } }));
    expect(info).toBe('');
    const { secrets } = await storedConnection(`accelevents:${sandbox.url}`);
    expect(secrets?.apiKey).toBe('custom-sandbox-key-77');
    // Still serving: the command did not close a sandbox it did not start.
    expect((await fetch(`${sandbox.origin}/sandbox/accelevents/info`)).status).toBe(200);
  });
});

describe('parley connect accelevents --rotate-webhook', () => {
  /** Rotates twice and answers the secret each rotation printed in its receiver URL. */
  async function rotateTwice() {
    await runConnectAccelevents({ rotateWebhook: true, publicUrl: 'https://parley.example.com/' }, io());
    const first = /https:\/\/parley\.example\.com\/hooks\/accelevents\/(\S+)/.exec(out)?.[1];
    out = '';
    await runConnectAccelevents({ rotateWebhook: true, json: true }, io({ env: { PORT: '3999' } }));
    const second = /http:\/\/127\.0\.0\.1:3999\/hooks\/accelevents\/([^"\s]+)/.exec(out)?.[1];
    return { first, second };
  }

  it('prints a new receiver URL on each rotation', async () => {
    const { first, second } = await rotateTwice();
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
  });

  it('verifies only the newest secret after a rotation', async () => {
    const { verifyWebhookSecret } = await import('../../../src/intake/webhook-secret.js');
    const { first, second } = await rotateTwice();
    const runtime = await openRuntimeFor(io());
    try {
      expect(await verifyWebhookSecret(runtime.store.db, second)).toBe(true);
      expect(await verifyWebhookSecret(runtime.store.db, first)).toBe(false);
    } finally {
      await runtime.close();
    }
  });

  it('stores only a hash of the receiver secret', async () => {
    const { WEBHOOK_SECRET_SETTING } = await import('../../../src/intake/webhook-secret.js');
    const { second } = await rotateTwice();
    const runtime = await openRuntimeFor(io());
    try {
      const stored = await runtime.store.db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', WEBHOOK_SECRET_SETTING)
        .executeTakeFirstOrThrow();
      expect(stored.value).not.toContain(second as string);
    } finally {
      await runtime.close();
    }
  });

  it('refuses to mix rotation with connect flags, naming them', async () => {
    const error = await rejection(runConnectAccelevents({ rotateWebhook: true, event: 'demo', keyFile: 'k' }, io()));
    expect(String((error as Error).message)).toMatch(/drop --event, --key-file/);
    const bad = await rejection(runConnectAccelevents({ rotateWebhook: true, publicUrl: 'parley.example.com' }, io()));
    expect(String((bad as Error).message)).toMatch(/--public-url must be an absolute http\(s\) URL/);
  });
});

/**
 * `parley connect highlevel` in-process, against the real sandbox, with a real SQLite store and vault
 * opened through openRuntime from the command's own environment: OAuth (one-shot listener, and a
 * running server's callback), agency installs, and Private Integration Tokens from file, env or stdin.
 * No token may appear in what the command prints or in its errors.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRuntime, type Runtime } from '../../../src/app/open-runtime.js';
import { CliError } from '../../../src/cli/cli-error.js';
import {
  type ConnectHighLevelIo,
  type ConnectHighLevelOptions,
  registerConnectHighLevel,
  runConnectHighLevel,
} from '../../../src/cli/commands/connect-highlevel.js';
import { registerHighLevelOAuthRoutes } from '../../../src/connect/highlevel/oauth-routes.js';
import { createOAuthStateStore } from '../../../src/connect/highlevel/oauth-state-store.js';
import { DEFAULT_FEATURES } from '../../../src/features/feature-names.js';
import { planScopes } from '../../../src/features/scope-planner.js';
import { type SandboxHandle, withSandbox } from '../../helpers/sandbox.js';

describe('parley connect highlevel', () => {
  let sandbox: SandboxHandle;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    sandbox = await withSandbox({ attendees: 1 });
    dir = await mkdtemp(join(tmpdir(), 'parley-connect-'));
    env = {
      PARLEY_DATA_DIR: join(dir, 'data'),
      PARLEY_MASTER_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'silent',
    };
  });
  afterAll(async () => {
    await sandbox?.close();
    await rm(dir, { recursive: true, force: true });
  });

  function io(extra: { env?: NodeJS.ProcessEnv; stdin?: string | null } = {}) {
    const out: string[] = [];
    const info: string[] = [];
    const value: ConnectHighLevelIo = {
      env: { ...env, ...extra.env },
      cwd: dir,
      sandboxUrl: sandbox.url,
      write: (text) => out.push(text),
      info: (text) => info.push(text),
      readStdin: async () => extra.stdin ?? null,
    };
    return { io: value, out: () => out.join(''), info: () => info.join('') };
  }

  const options = (extra: Partial<ConnectHighLevelOptions>): ConnectHighLevelOptions => ({
    userType: 'Location',
    timeout: '20s',
    ...extra,
  });

  async function withRuntime<T>(body: (runtime: Runtime) => Promise<T>): Promise<T> {
    const runtime = await openRuntime({ env, cwd: dir, sandboxUrl: sandbox.url });
    try {
      return await body(runtime);
    } finally {
      await runtime.close();
    }
  }

  async function cliError(promise: Promise<unknown>): Promise<CliError> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(CliError);
    return error as CliError;
  }

  /** Every token the store holds, decrypted, so output can be checked for each of them. */
  const allTokens = () =>
    withRuntime(async (runtime) => {
      const tokens: string[] = [];
      for (const c of await runtime.repository.list()) {
        const s = await runtime.repository.readSecrets(c.id);
        for (const t of [s.accessToken, s.refreshToken]) if (t) tokens.push(t);
      }
      return tokens;
    });

  /** Runs the unattended OAuth install (--approve) through the one-shot listener. */
  async function approveInstall() {
    const run = io();
    await runConnectHighLevel(options({ approve: true }), run.io);
    return run;
  }

  it('runs the OAuth install unattended with --approve through a one-shot listener', async () => {
    const run = await approveInstall();
    const location = sandbox.sandbox.defaultLocationId;
    expect(run.info()).toContain('/v2/oauth/chooselocation?response_type=code');
    expect(run.out()).toContain('Connected HighLevel (Location install), 1 connection(s)');
    expect(run.out()).toContain(`location ${location}`);
    expect(run.out()).toContain('status ok');
    expect(run.out()).toMatch(/expires \d{4}-\d\d-\d\dT/);
    const connection = await withRuntime((r) => r.repository.findByAccountKey(`location:${location}`));
    expect(connection).toMatchObject({ kind: 'oauth', userType: 'Location' });
  });

  it('prints no token during an OAuth install', async () => {
    const run = await approveInstall();
    for (const token of await allTokens()) {
      expect(run.out()).not.toContain(token);
      expect(run.info()).not.toContain(token);
    }
  });

  it('connects an agency with --user-type Company, with a location token per installed location', async () => {
    const second = sandbox.sandbox.addLocation({ attendees: 1 }).location.id;
    const run = io();
    await runConnectHighLevel(options({ approve: true, userType: 'Company', json: true }), run.io);
    const answer = JSON.parse(run.out());
    expect(answer.connections.map((c: { account: string }) => c.account).sort()).toEqual(
      [
        `company:${sandbox.sandbox.companyId}`,
        `location:${sandbox.sandbox.defaultLocationId}`,
        `location:${second}`,
      ].sort(),
    );
    expect(answer.connections.filter((c: { kind: string }) => c.kind === 'location_token')).toHaveLength(2);
    for (const token of await allTokens()) expect(run.out()).not.toContain(token);
  });

  it("completes the install through the running server's callback when --redirect-uri points at it", async () => {
    const server = Fastify();
    await withRuntime(async (runtime) => {
      await registerHighLevelOAuthRoutes(server, {
        config: runtime.config.highlevel,
        repository: runtime.repository,
        tokenClient: runtime.tokenClient,
        states: createOAuthStateStore({ db: runtime.store.db }),
        plan: (userType) => planScopes(DEFAULT_FEATURES, { userType }),
        logger: runtime.logger,
      });
      await server.listen({ port: 0, host: '127.0.0.1' });
      try {
        const redirectUri = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}/oauth/highlevel/callback`;
        const run = io();
        await runConnectHighLevel(options({ approve: true, redirectUri }), run.io);
        expect(run.out()).toContain(`location ${sandbox.sandbox.defaultLocationId}`);
        expect(run.info()).toContain(encodeURIComponent(redirectUri));
      } finally {
        await server.close();
      }
    });
  });

  it('connects a Private Integration Token from HIGHLEVEL_PIT, a --token-file or stdin, saying scopes are unverified', async () => {
    const location = sandbox.sandbox.defaultLocationId;
    const fromEnv = sandbox.sandbox.issueToken({ kind: 'pit', locationId: location }).accessToken;
    const envRun = io({ env: { HIGHLEVEL_PIT: fromEnv } });
    await runConnectHighLevel(options({ pit: true, location }), envRun.io);
    expect(envRun.out()).toContain('Connected a HighLevel Private Integration Token');
    expect(envRun.out()).toContain('never expires');
    expect(envRun.out()).toContain('not report');
    expect(envRun.out()).not.toContain(fromEnv);

    const fromFile = sandbox.sandbox.issueToken({ kind: 'pit', locationId: location }).accessToken;
    const file = join(dir, 'pit.txt');
    await writeFile(file, `${fromFile}\n`, { mode: 0o600 });
    await runConnectHighLevel(options({ pit: true, location, tokenFile: file }), io().io);
    expect((await withRuntime((r) => r.repository.findByAccountKey(`location:${location}`)))?.kind).toBe('pit');
    const stored = await withRuntime(async (r) =>
      r.repository.readSecrets((await r.repository.findByAccountKey(`location:${location}`))!.id),
    );
    expect(stored.accessToken).toBe(fromFile);

    const fromStdin = sandbox.sandbox.issueToken({ kind: 'pit', locationId: location }).accessToken;
    const stdinRun = io({ stdin: `${fromStdin}\n` });
    await runConnectHighLevel(
      options({ pit: true, location, scopes: `${DEFAULT_SCOPES},locations.readonly` }),
      stdinRun.io,
    );
    expect(stdinRun.out()).toContain('Warning: declared scopes beyond what parley needs: locations.readonly');
  });

  it('fails clearly for a wrong PIT, a missing PIT or a missing --location, never echoing the token', async () => {
    const wrong = await cliError(
      runConnectHighLevel(
        options({ pit: true, location: sandbox.sandbox.defaultLocationId }),
        io({ env: { HIGHLEVEL_PIT: 'sbx_pit_wrong-token-value' } }).io,
      ),
    );
    expect(wrong.code).toBe('invalid_token');
    expect(wrong.message).toContain('HighLevel rejected the Private Integration Token');
    expect(wrong.message).not.toContain('sbx_pit_wrong-token-value');

    const missing = await cliError(runConnectHighLevel(options({ pit: true, location: 'loc' }), io().io));
    expect(missing).toMatchObject({ code: 'missing_token', exitCode: 2 });
    expect(missing.message).toContain('--token-file');

    const noLocation = await cliError(runConnectHighLevel(options({ pit: true }), io().io));
    expect(noLocation.message).toContain('--pit needs --location');
  });

  it('refuses a bad --timeout, naming the form it expects', async () => {
    const error = await cliError(runConnectHighLevel(options({ timeout: 'soon' }), io().io));
    expect(error.message).toBe('--timeout must be a duration from 1s to 60m, e.g. 90s or 5m; got "soon"');
  });

  const connectHighLevelCommand = () => {
    const connect = new Command('connect');
    registerConnectHighLevel(connect);
    return connect.commands.find((c) => c.name() === 'highlevel')!;
  };

  it('has no --token flag', () => {
    expect(connectHighLevelCommand().options.map((o) => o.long)).not.toContain('--token');
  });

  it('says in --help that the token is never read from the command line', () => {
    const highlevel = connectHighLevelCommand();
    let text = '';
    highlevel.configureOutput({ writeOut: (s) => (text += s) }).outputHelp();
    expect(text).toContain('never taken as a command-line argument');
    expect(text).toContain('HIGHLEVEL_PIT');
  });
});

const DEFAULT_SCOPES = planScopes(DEFAULT_FEATURES).scopes.join(',');

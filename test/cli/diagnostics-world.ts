/**
 * A fresh parley installation for the diagnostics commands: its own SQLite data directory and
 * master key, an in-process HighLevel sandbox as the target, and an io that captures the output.
 * Connections are seeded through the real repository with tokens the sandbox issued.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandIo } from '../../src/app/command-io.js';
import { openRuntimeFor } from '../../src/app/open-runtime.js';
import type { Connection } from '../../src/credentials/types.js';
import type { IssuedToken, IssueTokenOptions } from '../../src/sandbox/highlevel/issue-token.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';

export interface DiagnosticsWorld {
  dir: string;
  dataDir: string;
  masterKey: string;
  sandbox: SandboxHandle;
  /** An io on this installation; `output()` is everything written since the last `reset()`. */
  io(overrides?: Partial<CommandIo> & { env?: NodeJS.ProcessEnv }): CommandIo;
  output(): string;
  reset(): void;
  /** Issues a sandbox token for the default location and stores it as an OAuth connection. */
  seedHighLevel(options?: IssueTokenOptions): Promise<{ connection: Connection; issued: IssuedToken }>;
  /** Stops the sandbox early (its URL then refuses connections). */
  stopSandbox(): Promise<void>;
  dispose(): Promise<void>;
}

export function newMasterKey(): string {
  return randomBytes(32).toString('base64');
}

export interface DiagnosticsWorldOptions {
  /** Use this PostgreSQL database instead of SQLite in the data directory. */
  databaseUrl?: string;
}

export async function createDiagnosticsWorld(options: DiagnosticsWorldOptions = {}): Promise<DiagnosticsWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-diagnostics-'));
  const dataDir = join(dir, 'data');
  const masterKey = newMasterKey();
  const sandbox = await withSandbox({ rsaModulusLength: 1024 });
  let written = '';
  let stopped: Promise<void> | null = null;
  const stopSandbox = (): Promise<void> => {
    stopped ??= sandbox.close();
    return stopped;
  };

  const io: DiagnosticsWorld['io'] = (overrides = {}) => ({
    cwd: dir,
    sandboxUrl: sandbox.url,
    write: (text) => {
      written += text;
    },
    ...overrides,
    env: {
      PARLEY_DATA_DIR: dataDir,
      PARLEY_MASTER_KEY: masterKey,
      LOG_LEVEL: 'silent',
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      ...overrides.env,
    },
  });

  return {
    dir,
    dataDir,
    masterKey,
    sandbox,
    io,
    output: () => written,
    reset: () => {
      written = '';
    },
    async seedHighLevel(options = {}) {
      const locationId = options.locationId ?? sandbox.sandbox.defaultLocationId;
      const issued = sandbox.sandbox.issueToken({ ...options, locationId });
      const runtime = await openRuntimeFor(io());
      try {
        const connection = await runtime.repository.save({
          provider: 'highlevel',
          kind: options.kind === 'pit' ? 'pit' : 'oauth',
          accountKey: `location:${locationId}`,
          label: 'Sandbox location',
          userType: 'Location',
          locationId,
          scopes: issued.scopes,
          expiresAt: issued.expiresIn === undefined ? null : Date.now() + issued.expiresIn * 1000,
          secrets: { accessToken: issued.accessToken, refreshToken: issued.refreshToken },
        });
        return { connection, issued };
      } finally {
        await runtime.close();
      }
    },
    stopSandbox,
    async dispose() {
      await stopSandbox();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs a command body and returns what it threw (or fails the test if it did not throw). */
export async function thrownBy(body: () => Promise<unknown>): Promise<Error & { code?: string; exitCode?: number }> {
  try {
    await body();
  } catch (error) {
    return error as Error & { code?: string; exitCode?: number };
  }
  throw new Error('expected the command to fail');
}

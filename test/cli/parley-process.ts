/**
 * `parley start|serve|worker` as a real child process: output collected as it comes, waits for a line
 * or for the exit, and a kill at the end of the test for whatever is still running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createConnection, createServer } from 'node:net';

const BIN = new URL('../../bin/parley.js', import.meta.url).pathname;

/** Variables a developer's shell may carry that would change what the child does. */
const INHERITED_OUT = ['DATABASE_URL', 'PARLEY_CONFIG', 'PARLEY_DATA_DIR', 'PARLEY_MASTER_KEY', 'HOST', 'PORT'];

export interface ParleyProcess {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  /** Resolves once the output matches; rejects if the process exits first or `ms` pass. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** The exit code (null when ended by a signal); rejects if the process is still running after `ms`. */
  exited(ms?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
}

export function newMasterKey(): string {
  return randomBytes(32).toString('base64');
}

export function spawnParley(args: string[], env: NodeJS.ProcessEnv, cwd?: string): ParleyProcess {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !INHERITED_OUT.includes(key)));
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...base, ...env }, ...(cwd ? { cwd } : {}) });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (data: Buffer) => {
    out += data.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );

  return {
    child,
    output: () => out,
    waitFor(pattern, ms = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`no ${pattern} within ${ms} ms; output:\n${out}`)), ms);
        const check = () => {
          const match = out.match(pattern);
          if (match) done(null, match);
        };
        const done = (error: Error | null, match?: RegExpMatchArray) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve(match!);
        };
        listeners.add(check);
        void exit.then(({ code }) => done(new Error(`exited (${code}) before ${pattern}; output:\n${out}`)));
        check();
      });
    },
    exited(ms = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`still running after ${ms} ms; output:\n${out}`)), ms);
        void exit.then((result) => {
          clearTimeout(timer);
          resolve(result);
        });
      });
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** A port nothing listens on right now: bind, note it, close. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether something accepts TCP connections at host:port. */
export function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Another process holding an SQLite file's write lock: it takes the lock (begin immediate plus a
 * write), says "locked", and commits when `release()` is called.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Takes the write lock (begin immediate plus a write), says "locked", and commits when told on stdin. */
const HOLDER_SOURCE = `
const Database = require('better-sqlite3');
const db = new Database(process.env.DB_PATH);
db.pragma('busy_timeout = 5000');
db.exec('begin immediate');
db.prepare('insert into settings (key, value, updated_at) values (?, ?, 0)').run('lock-holder-' + process.pid, 'x');
process.stdout.write('locked\\n');
process.stdin.once('data', () => {
  db.exec('commit');
  db.close();
  process.stdout.write('released\\n');
  process.exit(0);
});
`;

export interface LockHolder {
  locked: Promise<void>;
  released: Promise<void>;
  isReleased(): boolean;
  release(): void;
  child: ChildProcess;
}

export function holdSqliteWriteLock(dbPath: string): LockHolder {
  const child = spawn(process.execPath, ['-e', HOLDER_SOURCE], {
    cwd: ROOT,
    env: { ...process.env, DB_PATH: dbPath },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let stderr = '';
  let released = false;
  const said = (word: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (out.includes(word)) resolve();
      };
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        check();
      });
      child.on('exit', (code) => {
        check();
        reject(new Error(`lock holder exited (${code}) before "${word}": ${stderr}`));
      });
    });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const releasedPromise = said('released').then(() => {
    released = true;
  });
  // A holder killed after a failed test never says "released"; nobody waits for it then.
  releasedPromise.catch(() => undefined);
  return {
    locked: said('locked'),
    released: releasedPromise,
    isReleased: () => released,
    release: () => child.stdin.write('go\n'),
    child,
  };
}

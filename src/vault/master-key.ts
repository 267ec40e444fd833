/**
 * Where the master key comes from: PARLEY_MASTER_KEY wins; otherwise the key file that
 * `parley init` writes (src/app/key-file-path.ts says where). Both hold the base64 of exactly
 * 32 bytes (AES-256). The key only wraps data keys (docs/operations.md, Key rotation); it is never
 * printed, logged or put in an error message: errors name the source, never its content.
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { VaultError } from './vault-error.js';

export const MASTER_KEY_ENV = 'PARLEY_MASTER_KEY';
export const MASTER_KEY_BYTES = 32;

export interface LoadMasterKeyOptions {
  env: NodeJS.ProcessEnv;
  /** The key file to read when PARLEY_MASTER_KEY is unset, e.g. `keyFilePath(config)`. */
  keyFile: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const EXPECTED = `the base64 encoding of exactly ${MASTER_KEY_BYTES} bytes (44 characters, as written by \`parley init\` or \`openssl rand -base64 32\`)`;

export async function loadMasterKey(options: LoadMasterKeyOptions): Promise<Buffer> {
  const fromEnv = options.env[MASTER_KEY_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return decodeMasterKey(fromEnv, MASTER_KEY_ENV);
  return readKeyFile(options.keyFile);
}

/** Decodes a master key; `source` names where it came from for the error message (never the value). */
export function decodeMasterKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  if (!BASE64.test(trimmed) || trimmed.length % 4 !== 0) {
    throw new VaultError('invalid_master_key', `${source} is not valid base64: expected ${EXPECTED}`);
  }
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== MASTER_KEY_BYTES) {
    throw new VaultError('invalid_master_key', `${source} decodes to ${key.length} bytes: expected ${EXPECTED}`);
  }
  return key;
}

async function readKeyFile(path: string): Promise<Buffer> {
  let mode: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) {
      throw new VaultError('invalid_master_key', `the master key file ${path} is not a regular file`);
    }
    mode = info.mode & 0o777;
  } catch (error) {
    if (error instanceof VaultError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new VaultError(
        'missing_master_key',
        `no master key: ${MASTER_KEY_ENV} is not set and there is no key file at ${path}. ` +
          `Run \`parley init\` to create one, or set ${MASTER_KEY_ENV} to ${EXPECTED}`,
      );
    }
    throw new VaultError('invalid_master_key', `cannot read the master key file ${path}: ${describe(error)}`);
  }
  // Group or other access means another account may read the key, so it is refused, not warned
  // about. 0600 and 0400 pass; 0644, 0640 and friends do not.
  if ((mode & 0o077) !== 0) {
    throw new VaultError(
      'invalid_master_key',
      `the master key file ${path} has mode 0${mode.toString(8)}, readable by other users: ` +
        `it must be 0600; run \`chmod 600 ${path}\``,
    );
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new VaultError('invalid_master_key', `cannot read the master key file ${path}: ${describe(error)}`);
  }
  return decodeMasterKey(text, `the master key file ${path}`);
}

/**
 * Writes a new random master key to `path` with mode 0600, creating its directory with mode 0700.
 * The create is exclusive (`wx`): an existing key file is never overwritten, because the data keys
 * of the database it belongs to cannot be unwrapped without it.
 */
export async function createKeyFile(
  path: string,
  randomBytes: (size: number) => Buffer = nodeRandomBytes,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new VaultError(
        'key_file_exists',
        `a master key file already exists at ${path}; parley never overwrites one, because the ` +
          `database it belongs to cannot be read without it`,
      );
    }
    throw new VaultError('invalid_master_key', `cannot create the master key file ${path}: ${describe(error)}`);
  }
  try {
    await handle.writeFile(`${randomBytes(MASTER_KEY_BYTES).toString('base64')}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  // open()'s mode is filtered by the umask; chmod makes it exactly 0600 whatever the umask says.
  await chmod(path, 0o600);
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ?? (error instanceof Error ? error.message : String(error));
}

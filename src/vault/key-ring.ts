/**
 * The data keys (DEKs) of one process: random 32-byte keys, stored wrapped under the master key
 * (AAD `vault_keys:<kid>`) and unwrapped into memory on first use. Unknown key ids are loaded from
 * the table on demand, because another process may have rotated; failed loads are not cached, so
 * one failure (a database hiccup) does not poison later calls.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { KEY_BYTES, seal, unseal } from './aes-gcm.js';
import { formatWrappedKey, parseWrappedKey } from './envelope.js';
import { VaultError } from './vault-error.js';
import { readActiveKid, readKey, type StoredKey } from './vault-keys-table.js';

export interface DataKey {
  kid: string;
  key: Buffer;
}

export interface NewDataKey extends DataKey {
  wrappedKey: string;
}

export interface KeyRingOptions {
  db: Kysely<Database>;
  masterKey: Buffer;
  now: () => number;
  randomBytes: (size: number) => Buffer;
  /** How long the active key id is trusted before re-reading it (picks up other processes' rotations). */
  activeKeyCacheMs: number;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export class KeyRing {
  readonly #options: KeyRingOptions;
  #masterKey: Buffer;
  /** Loads in flight or done, shared by callers on the store's own connection. */
  readonly #keys = new Map<string, Promise<Buffer>>();
  /** Keys already unwrapped. */
  readonly #loaded = new Map<string, Buffer>();
  #active: { kid: string; readAt: number } | undefined;

  constructor(options: KeyRingOptions) {
    this.#options = options;
    this.#masterKey = options.masterKey;
  }

  /**
   * The key new ciphertexts get: re-read from the table at most every `activeKeyCacheMs`, through
   * `db` when given (a caller's transaction), else the store.
   */
  async activeKey(db?: Kysely<Database>): Promise<DataKey> {
    const now = this.#options.now();
    if (this.#active === undefined || now - this.#active.readAt >= this.#options.activeKeyCacheMs) {
      const kid = await readActiveKid(db ?? this.#options.db);
      if (kid === undefined) {
        throw new VaultError(
          'unknown_key_id',
          'the vault has no active data key; run `parley keys rotate` to create one',
        );
      }
      this.#active = { kid, readAt: now };
    }
    const { kid } = this.#active;
    return { kid, key: await this.dataKey(kid, db) };
  }

  /**
   * `db`: a caller's transaction. Such a caller never joins another caller's load in flight: on
   * SQLite that load may be queued on the store's one connection behind this very transaction, and
   * waiting for it would never end. It reads the key through its own transaction instead.
   */
  async dataKey(kid: string, db?: Kysely<Database>): Promise<Buffer> {
    const loaded = this.#loaded.get(kid);
    if (loaded !== undefined) return loaded;
    if (db !== undefined) return this.#remember(kid, await this.#load(kid, db));
    let pending = this.#keys.get(kid);
    if (pending === undefined) {
      pending = this.#load(kid, this.#options.db).then((key) => this.#remember(kid, key));
      this.#keys.set(kid, pending);
      pending.catch(() => this.#keys.delete(kid));
    }
    return pending;
  }

  #remember(kid: string, key: Buffer): Buffer {
    this.#loaded.set(kid, key);
    return key;
  }

  /** Makes `dataKey` the active key of this process at once (after this process rotated). */
  useActive(dataKey: DataKey): void {
    this.#remember(dataKey.kid, dataKey.key);
    this.#active = { kid: dataKey.kid, readAt: this.#options.now() };
  }

  newDataKey(): NewDataKey {
    const kid = newKeyId(this.#options.randomBytes);
    const key = this.#options.randomBytes(KEY_BYTES);
    return { kid, key, wrappedKey: this.wrap(kid, key) };
  }

  wrap(kid: string, key: Buffer, masterKey: Buffer = this.#masterKey): string {
    return formatWrappedKey(seal(masterKey, key, wrapAad(kid), this.#options.randomBytes(12)));
  }

  /** Unwraps a stored key; throws `wrong_master_key` when it does not open under `masterKey`. */
  unwrap(stored: StoredKey, masterKey: Buffer = this.#masterKey): Buffer {
    const sealed = parseWrappedKey(stored.wrappedKey);
    const key = typeof sealed === 'string' ? null : unseal(masterKey, sealed, wrapAad(stored.kid));
    if (key === null || key.length !== KEY_BYTES) {
      throw new VaultError(
        'wrong_master_key',
        `data key ${stored.kid} does not unwrap under this process's master key: the master key was ` +
          'rotated since this process started (restart it with the new key), or vault_keys was altered',
      );
    }
    return key;
  }

  /** After a master-key rotation: wrap and unwrap under the new key from now on. */
  setMasterKey(masterKey: Buffer): void {
    this.#masterKey = masterKey;
  }

  async #load(kid: string, db: Kysely<Database>): Promise<Buffer> {
    const stored = await readKey(db, kid);
    if (stored === undefined) {
      throw new VaultError('unknown_key_id', `the data key ${kid} named by a ciphertext does not exist in vault_keys`);
    }
    return this.unwrap(stored);
  }
}

/** `k_` + 10 base32 characters (50 random bits): short, and never contains the envelope's `.`. */
export function newKeyId(randomBytes: (size: number) => Buffer): string {
  // 256 is a multiple of 32, so `byte & 31` picks each character uniformly.
  const chars = Array.from(randomBytes(10), (byte) => BASE32[byte & 31]);
  return `k_${chars.join('')}`;
}

function wrapAad(kid: string): string {
  return `vault_keys:${kid}`;
}

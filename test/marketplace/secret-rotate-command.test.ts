/**
 * `parley marketplace secret rotate` against a fresh SQLite data directory and a fresh PostgreSQL
 * database: it prints the new secret once, the guard's check accepts exactly that secret, and a second
 * rotation replaces it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMarketplaceSecretRotate } from '../../src/cli/commands/marketplace.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { createMarketplaceSecretCheck } from '../../src/marketplace/marketplace-secret.js';
import { openDatabase, type Store } from '../../src/store/open-database.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/databases.js';

const silent = createLogger({ level: 'silent' });

for (const kind of DATABASE_KINDS) {
  describe(`parley marketplace secret rotate [${kind}]`, () => {
    let dir: string;
    let database: TestDatabase | null = null;
    let env: NodeJS.ProcessEnv;
    let store: Store;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'parley-marketplace-secret-'));
      database = kind === 'postgres' ? await openTestDatabase('postgres') : null;
      env = {
        PARLEY_MASTER_KEY: randomBytes(32).toString('base64'),
        LOG_LEVEL: 'silent',
        ...(database ? { DATABASE_URL: database.location.databaseUrl } : { PARLEY_DATA_DIR: join(dir, 'data') }),
      };
    });
    afterAll(async () => {
      await store?.close();
      await database?.dispose();
      await rm(dir, { recursive: true, force: true });
    });

    async function rotate(): Promise<{ secret: string; output: string }> {
      let output = '';
      await runMarketplaceSecretRotate({
        env,
        cwd: dir,
        write: (text) => {
          output += text;
        },
      });
      return { secret: output.split('\n')[0] ?? '', output };
    }

    it('prints a new secret once, which the guard accepts, and a second rotation replaces it', async () => {
      const first = await rotate();
      expect(first.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(first.output.split(first.secret)).toHaveLength(2);
      expect(first.output).toContain('x-parley-marketplace-secret');
      store = await openDatabase({
        ...(database ? { databaseUrl: database.location.databaseUrl } : { dataDir: join(dir, 'data') }),
        logger: silent,
        migrate: false,
      });
      const check = createMarketplaceSecretCheck(store.db, { cacheMs: 0 });
      expect(await check(first.secret)).toBe(true);
      expect(await check(`${first.secret}x`)).toBe(false);
      expect(await check(undefined)).toBe(false);
      const second = await rotate();
      expect(second.secret).not.toBe(first.secret);
      expect(await check(second.secret)).toBe(true);
      expect(await check(first.secret)).toBe(false);
      // Stored only as a digest and a vault envelope.
      const rows = await store.db
        .selectFrom('settings')
        .select('value')
        .where('key', 'like', 'marketplace.%')
        .execute();
      for (const row of rows) expect(row.value).not.toContain(second.secret);
    });
  });
}

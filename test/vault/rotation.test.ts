/**
 * Online rotation on both databases: values written
 * before decrypt after, every value ends under the new key, a value written under the old key by
 * a process that has not seen the switch yet is caught by a later pass, a concurrent write is never
 * overwritten, and a vault opened before the rotation loads the new key on demand.
 * Time is a fake clock; the grace wait is the injected `sleep`, which advances it.
 */
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { createLogger } from '../../src/lib/create-logger.js';
import { openVault, type PassEvent, type VaultHandle } from '../../src/vault/open-vault.js';
import { reencryptValue } from '../../src/vault/reencrypt-columns.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { aadFor, allEnvelopes, type EncField, insertConnection, readEnc } from './connection-rows.js';

const silent = createLogger({ level: 'silent' });
const FIELDS: EncField[] = ['access_token_enc', 'refresh_token_enc', 'api_key_enc'];

describeEachDatabase('vault rotation', (getStore) => {
  const masterKey = randomBytes(32);
  let time = 1_700_000_000_000;
  const now = () => time;
  let onSleep: (() => Promise<void>) | undefined;
  const sleep = async (ms: number) => {
    const hook = onSleep;
    onSleep = undefined;
    await hook?.();
    time += ms;
  };
  const open = () => openVault({ db: getStore().db, masterKey, now, sleep, logger: silent });
  /** What each row's plaintexts should be, to check after every rotation. */
  const expected = new Map<string, Partial<Record<EncField, string>>>();

  async function writeRow(vault: VaultHandle, id: string): Promise<void> {
    const plain = { access_token_enc: `at-${id}`, refresh_token_enc: `rt-${id}`, api_key_enc: `key-${id}` };
    const values: Partial<Record<EncField, string>> = {};
    for (const field of FIELDS) values[field] = await vault.encrypt(plain[field], aadFor(id, field));
    await insertConnection(getStore().db, id, values);
    expected.set(id, plain);
  }

  async function expectAllReadable(vault: VaultHandle): Promise<void> {
    for (const [id, plain] of expected) {
      for (const [field, value] of Object.entries(plain) as [EncField, string][]) {
        expect(await vault.decrypt(await readEnc(getStore().db, id, field), aadFor(id, field))).toBe(value);
      }
    }
  }

  async function kidsInUse(): Promise<Set<string>> {
    return new Set((await allEnvelopes(getStore().db)).map((envelope) => envelope.split('.')[1]!));
  }

  /** The first rotation, over three rows written before it. */
  async function rotateOverThreeRows() {
    const vault = await open();
    const oldKid = await vault.currentKeyId();
    for (const id of ['r1', 'r2', 'r3']) await writeRow(vault, id);
    const events: PassEvent[] = [];
    const report = await vault.rotate({ onPass: (event) => void events.push(event) });
    return { vault, oldKid, report, events };
  }

  /** Run once, read by the three tests below. */
  let firstRotation: ReturnType<typeof rotateOverThreeRows> | undefined;
  function rotatedOnce() {
    firstRotation ??= rotateOverThreeRows();
    return firstRotation;
  }

  it('re-encrypts every value under the new key', async () => {
    const { vault, oldKid, report, events } = await rotatedOnce();
    expect(report.newKeyId).not.toBe(oldKid);
    expect(report.reencrypted).toBe(9);
    expect(report.remaining).toBe(0);
    expect(report.failures).toEqual([]);
    expect(report.masterKeyRotated).toBe(false);
    // Pass 1 moves all nine; pass 2 finds none, waits out other processes' key caches; pass 3 confirms.
    expect(events.map((e) => [e.pass, e.found, e.reencrypted, e.waitMs])).toEqual([
      [1, 9, 9, 0],
      [2, 0, 0, 4_000],
      [3, 0, 0, 0],
    ]);
    expect(events.every((e) => e.newKeyId === report.newKeyId)).toBe(true);
    expect(await vault.currentKeyId()).toBe(report.newKeyId);
    expect(await kidsInUse()).toEqual(new Set([report.newKeyId]));
  });

  it('retires the old key', async () => {
    const { oldKid, report } = await rotatedOnce();
    expect(report.retiredKeyIds).toEqual([oldKid]);
    const keys = await getStore().db.selectFrom('vault_keys').select(['kid', 'status']).orderBy('status').execute();
    expect(keys).toEqual([
      { kid: report.newKeyId, status: 'active' },
      { kid: oldKid, status: 'retired' },
    ]);
  });

  it('decrypts the data written before the rotation after it', async () => {
    const { vault } = await rotatedOnce();
    await expectAllReadable(vault);
    await expectAllReadable(await open());
  });

  it('re-encrypts a value another process wrote under the old key after the switch, on a later pass', async () => {
    const rotating = await open();
    // Another process: opened before the rotation, so it still trusts the old key id for a while.
    const stale = await open();
    const oldKid = await stale.currentKeyId();
    await writeRow(rotating, 'r4');

    let stragglerKid: string | undefined;
    let readableMidRotation = false;
    onSleep = async () => {
      await writeRow(stale, 'straggler');
      stragglerKid = (await readEnc(getStore().db, 'straggler', 'access_token_enc')).split('.')[1];
      // Mid-rotation, values under both keys are readable by either process.
      await expectAllReadable(stale);
      readableMidRotation = true;
    };
    const events: PassEvent[] = [];
    const report = await rotating.rotate({ onPass: (event) => void events.push(event) });

    expect(stragglerKid).toBe(oldKid);
    expect(readableMidRotation).toBe(true);
    expect(events.map((e) => [e.pass, e.found, e.reencrypted])).toEqual([
      [1, 12, 12], // r1-r3 from the first rotation's key, r4 from this process's
      [2, 0, 0],
      [3, 3, 3], // the straggler's three fields, written during the grace wait
      [4, 0, 0],
    ]);
    expect(report.reencrypted).toBe(15);
    expect(report.remaining).toBe(0);
    expect(await kidsInUse()).toEqual(new Set([report.newKeyId]));
    // The process opened before the rotation loads the new key on demand and now writes under it.
    await expectAllReadable(stale);
    expect(await stale.currentKeyId()).toBe(report.newKeyId);
  });

  it('never overwrites a value that changed after rotation read it (compare-and-swap)', async () => {
    const vault = await open();
    const db = getStore().db;
    await writeRow(vault, 'r5');
    const column = { table: 'connections', idColumn: 'id', field: 'access_token_enc' };
    const reencrypt = async (value: string, aad: Parameters<VaultHandle['decrypt']>[1]) =>
      vault.encrypt(await vault.decrypt(value, aad), aad);

    const read = await readEnc(db, 'r5', 'access_token_enc');
    // A token refresh lands between rotation's read and its write.
    const refreshed = await vault.encrypt('at-r5-refreshed', aadFor('r5', 'access_token_enc'));
    await db.updateTable('connections').set({ access_token_enc: refreshed }).where('id', '=', 'r5').execute();
    expect(await reencryptValue(db, column, 'r5', read, reencrypt)).toBe('changed');
    expect(await readEnc(db, 'r5', 'access_token_enc')).toBe(refreshed);
    expected.set('r5', { ...expected.get('r5'), access_token_enc: 'at-r5-refreshed' });

    expect(await reencryptValue(db, column, 'r5', refreshed, reencrypt)).toBe('reencrypted');
    const rewritten = await readEnc(db, 'r5', 'access_token_enc');
    expect(rewritten).not.toBe(refreshed);
    expect(await vault.decrypt(rewritten, aadFor('r5', 'access_token_enc'))).toBe('at-r5-refreshed');
  });

  /** A rotation over a row whose api key was swapped for another row's ciphertext. */
  async function rotateOverAMovedCiphertext() {
    const vault = await open();
    const db = getStore().db;
    await writeRow(vault, 'r6');
    // A ciphertext moved from another row: it will never decrypt under r6's AAD.
    const moved = await readEnc(db, 'r1', 'api_key_enc');
    await db.updateTable('connections').set({ api_key_enc: moved }).where('id', '=', 'r6').execute();
    return { vault, moved, report: await vault.rotate() };
  }

  /** Run once, read by the three tests below. */
  let corruptRotation: ReturnType<typeof rotateOverAMovedCiphertext> | undefined;
  function rotatedOverAnUndecryptableValue() {
    corruptRotation ??= rotateOverAMovedCiphertext();
    return corruptRotation;
  }

  it('reports an undecryptable value as a failure', async () => {
    const { report } = await rotatedOverAnUndecryptableValue();
    expect(report.failures).toEqual([
      { table: 'connections', recordId: 'r6', field: 'api_key_enc', code: 'decrypt_failed' },
    ]);
  });

  it('leaves an undecryptable value untouched', async () => {
    const { moved } = await rotatedOverAnUndecryptableValue();
    expect(await readEnc(getStore().db, 'r6', 'api_key_enc')).toBe(moved);
  });

  it('rotates the rest past an undecryptable value', async () => {
    const { vault, report } = await rotatedOverAnUndecryptableValue();
    const db = getStore().db;
    expect(report.remaining).toBe(0);
    await db.updateTable('connections').set({ api_key_enc: null }).where('id', '=', 'r6').execute();
    expected.set('r6', { access_token_enc: 'at-r6', refresh_token_enc: 'rt-r6' });
    for (const id of ['r6']) {
      for (const field of ['access_token_enc', 'refresh_token_enc'] as const) {
        expect(await vault.decrypt(await readEnc(db, id, field), aadFor(id, field))).toBe(expected.get(id)?.[field]);
      }
    }
    await expectAllReadable(await open());
  });

  it('stops a rotation that another one superseded mid-way, ending with one active key over every value', async () => {
    const [first, second] = [await open(), await open()];
    let secondReport: Awaited<ReturnType<VaultHandle['rotate']>> | undefined;
    // The second process rotates right after the first one's first pass.
    const firstReport = await first.rotate({
      onPass: async ({ pass }) => {
        if (pass === 1) secondReport = await second.rotate();
      },
    });
    expect(firstReport.supersededBy).toBe(secondReport?.newKeyId);
    expect(firstReport.passes).toBe(1);
    expect(secondReport?.retiredKeyIds).toEqual([firstReport.newKeyId]);
    expect(secondReport?.remaining).toBe(0);
    const active = await getStore().db.selectFrom('vault_keys').select('kid').where('status', '=', 'active').execute();
    expect(active).toEqual([{ kid: secondReport?.newKeyId }]);
    expect(await kidsInUse()).toEqual(new Set([secondReport?.newKeyId]));
    await expectAllReadable(await open());
  });

  it('leaves exactly one active key when two processes start rotating at the same moment', async () => {
    const [a, b] = [await open(), await open()];
    const [ra, rb] = await Promise.all([a.rotate(), b.rotate()]);
    const active = await getStore().db.selectFrom('vault_keys').select('kid').where('status', '=', 'active').execute();
    expect(active).toHaveLength(1);
    const [winner, loser] = ra.newKeyId === active[0]?.kid ? [ra, rb] : [rb, ra];
    expect(active[0]?.kid).toBe(winner.newKeyId);
    // Key switches are serialised by the vault lock: the later one retired the earlier one's key.
    expect(winner.retiredKeyIds).toContain(loser.newKeyId);
    expect([undefined, winner.newKeyId]).toContain(loser.supersededBy);
    expect(winner.remaining).toBe(0);
    expect(await kidsInUse()).toEqual(new Set([winner.newKeyId]));
    await expectAllReadable(await open());
  });

  it('rotates the master key: data keys re-wrapped, the old master key refused, every value readable', async () => {
    const vault = await open();
    const before = await allEnvelopes(getStore().db);
    const stale = await open();
    const newMasterKey = randomBytes(32);
    const report = await vault.rotate({ newMasterKey });
    expect(report.masterKeyRotated).toBe(true);
    expect(report.rewrappedKeys).toBeGreaterThanOrEqual(2);
    expect(report.reencrypted).toBe(0);
    expect(await allEnvelopes(getStore().db)).toEqual(before);

    await expect(open()).rejects.toMatchObject({ code: 'wrong_master_key' });
    const reopened = await openVault({ db: getStore().db, masterKey: newMasterKey, now, sleep, logger: silent });
    await expectAllReadable(reopened);
    // The rotating handle switched keys: it goes on rotating data keys under the new master key.
    const next = await vault.rotate();
    await expectAllReadable(reopened);
    // A process still on the old master key keeps its unwrapped keys but cannot unwrap the new one.
    time += 10_000;
    await expect(stale.currentKeyId()).rejects.toMatchObject({ code: 'wrong_master_key' });
    expect(next.remaining).toBe(0);
  });
});

/**
 * The mapping saved in the database reaches a second app on the same database without a restart: the
 * intake there re-reads it once its short cache runs out (a fake clock moves past it), and a saved
 * document that no longer validates is never applied. Both databases; the second app opens its own
 * store, as another `parley serve` process would.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadEffectiveMapping } from '../../src/intake/effective-mapping.js';
import { MAPPING_SETTING, saveMapping } from '../../src/intake/saved-mapping.js';
import { openDatabase, type Store } from '../../src/store/open-database.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { buildIntakeApp, clearPipeline, type IntakeApp, silent } from './intake-app.js';

const buyerBody = (email: string) =>
  JSON.stringify({ topic: 'attendee.registered', eventUrl: 'summit', buyer: { contact: { mail: email } } });
const EMAIL_OVERRIDE = { fields: { email: ['buyer.contact.mail'] } };

describe.each(DATABASE_KINDS)('mapping saved in the database [%s]', (kind) => {
  let database: TestDatabase;
  let other: Store;
  let intake: IntakeApp;
  let clock = Date.parse('2026-03-10T15:00:00Z');

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    other = await openDatabase({ ...database.location, logger: silent, migrate: false });
    // The default cache (1 s), on a clock the test moves.
    intake = await buildIntakeApp(other, { now: () => clock });
  });
  afterAll(async () => {
    await intake?.app.close();
    await other?.close();
    await database?.dispose();
  });
  beforeEach(async () => {
    await clearPipeline(database.store);
    await database.store.db.deleteFrom('settings').where('key', '=', MAPPING_SETTING).execute();
    clock += 60_000;
  });

  async function deliver(email: string): Promise<{ status: string; reasonCode?: string }> {
    const response = await intake.app.inject({
      method: 'POST',
      url: intake.path,
      headers: { 'content-type': 'application/json' },
      payload: buyerBody(email),
    });
    expect(response.statusCode, response.body).toBe(202);
    return response.json().deliveries[0];
  }

  it('maps deliveries in a second app with a mapping saved through the first, once its cache runs out', async () => {
    expect(await deliver('ada@example.com')).toMatchObject({ status: 'ignored', reasonCode: 'no_attendee' });
    await saveMapping(database.store.db, EMAIL_OVERRIDE, { userId: null, now: clock });
    clock += 1_000;
    expect(await deliver('grace@example.com')).toMatchObject({ status: 'received' });
  });

  it('reads the saved mapping at most once a second, not per delivery', async () => {
    expect((await deliver('ada@example.com')).status).toBe('ignored');
    await saveMapping(database.store.db, EMAIL_OVERRIDE, { userId: null, now: clock });
    clock += 999;
    expect((await deliver('lin@example.com')).status).toBe('ignored');
  });

  it('stops applying a removed mapping once its cache runs out', async () => {
    await saveMapping(database.store.db, EMAIL_OVERRIDE, { userId: null, now: clock });
    clock += 1_000;
    expect((await deliver('ada@example.com')).status).toBe('received');
    await database.store.db.deleteFrom('settings').where('key', '=', MAPPING_SETTING).execute();
    clock += 1_000;
    expect((await deliver('grace@example.com')).status).toBe('ignored');
  });

  it('never applies a saved document that no longer validates, and says why', async () => {
    const bad = JSON.stringify({ fields: { email: ['buyer..mail'] }, updatedBy: null, updatedAt: clock });
    await database.store.db
      .insertInto('settings')
      .values({ key: MAPPING_SETTING, value: bad, updated_at: clock })
      .execute();
    clock += 1_000;
    expect((await deliver('ada@example.com')).status).toBe('ignored');
    const effective = await loadEffectiveMapping(other.db);
    expect(effective.saved).toBeNull();
    expect(effective.problem).toContain('fields.email[0]: expected a dotted JSON path');
    expect(effective.config).toEqual(effective.base);
  });
});

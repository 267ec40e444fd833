/**
 * The mapping API (GET and PUT /api/admin/mapping, POST /api/admin/mapping/preview) on both databases
 * through app.inject on a real console, with deliveries arriving through the real intake route on the
 * same database. The console's config file maps `phone` to `contact.tel`, so the base is the file's
 * mapping with the defaults filled in.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../../src/console/auth/roles.js';
import { DEFAULT_FIELD_CANDIDATES } from '../../../src/intake/default-mapping.js';
import { MAPPING_SETTING } from '../../../src/intake/saved-mapping.js';
import { type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';
import { buildIntakeApp, type IntakeApp, insertInboxRow } from '../../intake/intake-app.js';

/** A registration whose email sits where no default candidate looks. */
const buyerBody = (email: string) =>
  JSON.stringify({ topic: 'attendee.registered', eventUrl: 'summit', buyer: { contact: { mail: email } } });
const BADGE_TOPIC = 'badge.printed';
const EMAIL_OVERRIDE = { fields: { email: ['buyer.contact.mail'] } };

describe.each(DATABASE_KINDS)('mapping API [%s]', (kind) => {
  let harness: ConsoleApp;
  let intake: IntakeApp;
  const call = (method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown, role: Role = 'admin') =>
    harness.app.inject({
      method,
      url,
      headers: harness.auth(role),
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  const save = (payload: unknown, role: Role = 'admin') => call('PUT', '/api/admin/mapping', payload, role);
  const preview = (payload: unknown, role: Role = 'admin') => call('POST', '/api/admin/mapping/preview', payload, role);

  beforeAll(async () => {
    harness = await startConsoleApp(kind, {
      attendees: 1,
      config: { accelevents: { webhook: { fields: { phone: ['contact.tel'] } } } },
    });
    // The intake reads the saved mapping on every delivery here, so each test sees its own save at once.
    intake = await buildIntakeApp(harness.database.store, { mappingCacheMs: 0 });
  });
  afterAll(async () => {
    await intake?.app.close();
    await harness?.close();
  });
  beforeEach(async () => {
    const { db } = harness.deps;
    await db.deleteFrom('jobs').execute();
    await db.deleteFrom('inbox').execute();
    await db.deleteFrom('settings').where('key', '=', MAPPING_SETTING).execute();
  });

  async function deliver(body: string): Promise<{ id: string; status: string; reasonCode?: string }> {
    const response = await intake.app.inject({
      method: 'POST',
      url: intake.path,
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(202);
    return response.json().deliveries[0];
  }

  async function adminId(): Promise<string> {
    const row = await harness.deps.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', harness.email('admin'))
      .executeTakeFirstOrThrow();
    return row.id;
  }

  it('answers the config file’s mapping as the base, and the same as effective while nothing is saved', async () => {
    const response = await call('GET', '/api/admin/mapping');
    expect(response.statusCode).toBe(200);
    const view = response.json();
    expect(view.base.fields.phone).toEqual(['contact.tel']);
    expect(view.base.fields.email).toEqual(DEFAULT_FIELD_CANDIDATES.email);
    expect(view.base.topic.aliases['attendee.registered']).toBe('registration');
    expect(view.saved).toBeNull();
    expect(view.problem).toBeNull();
    expect(view.effective).toEqual(view.base);
    expect(view.vocabulary.fields).toContain('email');
    expect(view.vocabulary.topics).toContain('check_in');
  });

  it('puts saved paths before the file’s and adds saved aliases to the file’s', async () => {
    const response = await save({
      fields: { email: ['buyer.contact.mail'], phone: ['buyer.contact.tel'] },
      topic: { paths: ['meta.kind'], aliases: { [BADGE_TOPIC]: 'registration' } },
    });
    expect(response.statusCode, response.body).toBe(200);
    const { effective, base } = response.json();
    expect(effective.fields.email).toEqual(['buyer.contact.mail', ...DEFAULT_FIELD_CANDIDATES.email]);
    expect(effective.fields.phone).toEqual(['buyer.contact.tel', 'contact.tel']);
    expect(effective.topic.paths).toEqual(['meta.kind', ...base.topic.paths]);
    expect(effective.topic.aliases).toEqual({ ...base.topic.aliases, [BADGE_TOPIC]: 'registration' });
  });

  it('keeps who saved the mapping and when in the stored document', async () => {
    const before = Date.now();
    await save(EMAIL_OVERRIDE);
    const { saved } = (await call('GET', '/api/admin/mapping')).json();
    expect(saved).toMatchObject({
      fields: EMAIL_OVERRIDE.fields,
      updatedBy: await adminId(),
      updatedByEmail: harness.email('admin'),
    });
    expect(Date.parse(saved.updatedAt)).toBeGreaterThanOrEqual(before - 1000);
    const row = await harness.deps.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', MAPPING_SETTING)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.value)).toMatchObject({ ...EMAIL_OVERRIDE, updatedBy: await adminId() });
  });

  it('replaces the whole saved document on each save', async () => {
    await save(EMAIL_OVERRIDE);
    await save({ topic: { aliases: { [BADGE_TOPIC]: 'check_in' } } });
    const { saved, effective, base } = (await call('GET', '/api/admin/mapping')).json();
    expect(saved.fields).toBeUndefined();
    expect(effective.fields.email).toEqual(base.fields.email);
    expect(effective.topic.aliases[BADGE_TOPIC]).toBe('check_in');
  });

  it.each([
    [{ fields: { email: ['buyer..mail'] } }, 'fields.email[0]', 'expected a dotted JSON path'],
    [{ fields: { emial: ['buyer.mail'] } }, 'fields.emial', 'unknown key; expected one of attendeeId'],
    [{ fields: { email: 'buyer.mail' } }, 'fields.email', 'expected a list'],
    [{ fields: { email: [] } }, 'fields.email', 'expected at least one path'],
    [{ topic: { aliases: { x: 'welcome' } } }, 'topic.aliases.x', 'expected one of registration, check_in'],
    [{ topic: { matchWords: false } }, 'topic.matchWords', 'unknown key; expected one of paths, aliases'],
  ])('answers 400 naming the field and what was expected for %j', async (body, field, expected) => {
    const response = await save(body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_request', field });
    expect(response.json().message).toContain(`${field}: ${expected}`);
  });

  it('keeps the saved mapping when a save is refused', async () => {
    await save(EMAIL_OVERRIDE);
    await save({ fields: { email: ['buyer..mail'] } });
    expect((await call('GET', '/api/admin/mapping')).json().saved.fields).toEqual(EMAIL_OVERRIDE.fields);
  });

  it('previews an ignored delivery under the effective mapping as still ignored, with its record and reason', async () => {
    const stored = await deliver(buyerBody('ada@example.com'));
    expect(stored).toMatchObject({ status: 'ignored', reasonCode: 'no_attendee' });
    const response = await preview({ deliveryId: stored.id });
    expect(response.statusCode, response.body).toBe(200);
    const answer = response.json();
    expect(answer).toMatchObject({
      deliveryId: stored.id,
      mapping: 'effective',
      current: { status: 'ignored', reasonCode: 'no_attendee' },
      record: JSON.parse(buyerBody('ada@example.com')),
      person: { path: '$', topic: 'registration', outcome: 'ignored', reasonCode: 'no_attendee' },
      others: [],
    });
    expect(answer.person.fields.email).toBeNull();
  });

  it('previews a proposed mapping: the field, the path it came from, and that intake would accept it', async () => {
    const stored = await deliver(buyerBody('ada@example.com'));
    const answer = (await preview({ deliveryId: stored.id, mapping: EMAIL_OVERRIDE })).json();
    expect(answer).toMatchObject({
      mapping: 'proposed',
      person: {
        topic: 'registration',
        outcome: 'accepted',
        reasonCode: null,
        fields: { email: 'ada@example.com', eventUrl: 'summit' },
        matched: { email: 'buyer.contact.mail', eventUrl: 'eventUrl', topic: 'topic' },
      },
    });
  });

  it('previews a topic alias: an unrecognised topic becomes the trigger it is mapped to', async () => {
    const stored = await deliver(JSON.stringify({ topic: BADGE_TOPIC, email: 'lin@example.com' }));
    expect(stored.reasonCode).toBe('topic_not_recognised');
    const proposal = { topic: { aliases: { [BADGE_TOPIC]: 'check_in' } } };
    const answer = (await preview({ deliveryId: stored.id, mapping: proposal })).json();
    expect(answer.person).toMatchObject({
      topic: 'check_in',
      rawTopic: BADGE_TOPIC,
      topicBy: 'alias',
      outcome: 'accepted',
    });
  });

  it('changes nothing when previewing', async () => {
    const stored = await deliver(buyerBody('ada@example.com'));
    await preview({ deliveryId: stored.id, mapping: EMAIL_OVERRIDE });
    const row = await harness.deps.db
      .selectFrom('inbox')
      .select(['status', 'reason_code'])
      .where('id', '=', stored.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'ignored', reason_code: 'no_attendee' });
    expect((await call('GET', '/api/admin/mapping')).json().saved).toBeNull();
    expect(await harness.deps.db.selectFrom('jobs').selectAll().execute()).toEqual([]);
  });

  it('answers 400 naming the proposed mapping’s field when it is not valid', async () => {
    const stored = await deliver(buyerBody('ada@example.com'));
    const response = await preview({ deliveryId: stored.id, mapping: { fields: { email: ['a b'] } } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_request', field: 'mapping.fields.email[0]' });
  });

  it('answers 404 to a preview of an unknown delivery or of a HighLevel one', async () => {
    const highlevel = await insertInboxRow(harness.deps.db, { source: 'highlevel', received_at: Date.now() });
    for (const deliveryId of ['no-such-delivery', highlevel]) {
      const response = await preview({ deliveryId });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: 'not_found', field: 'deliveryId' });
    }
  });

  it('answers with the ignored deliveries a saved mapping now accepts, and only those', async () => {
    const curable = await deliver(buyerBody('ada@example.com'));
    const other = await deliver(JSON.stringify({ topic: 'attendee.registered', nobody: true }));
    expect(other.reasonCode).toBe('no_attendee');
    expect((await call('GET', '/api/admin/mapping')).json().affected).toEqual({ ids: [], scanned: 2, more: false });
    const { affected } = (await save(EMAIL_OVERRIDE)).json();
    expect(affected).toEqual({ ids: [curable.id], scanned: 2, more: false });
  });

  it('reprocesses an affected delivery with the saved mapping: queued, with the field it now maps', async () => {
    const stored = await deliver(buyerBody('ada@example.com'));
    const { affected } = (await save(EMAIL_OVERRIDE)).json();
    const response = await call('POST', '/api/admin/deliveries/reprocess', { ids: affected.ids });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().deliveries).toEqual([
      expect.objectContaining({ id: stored.id, status: 'received', reasonCode: null, queued: 1 }),
    ]);
    const row = await harness.deps.db
      .selectFrom('inbox')
      .select('mapped')
      .where('id', '=', stored.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.mapped ?? '{}')).toMatchObject({
      fields: { email: 'ada@example.com' },
      matched: { email: 'buyer.contact.mail' },
    });
  });

  it('maps a new delivery with the saved mapping', async () => {
    await save(EMAIL_OVERRIDE);
    expect(await deliver(buyerBody('grace@example.com'))).toMatchObject({ status: 'received' });
  });

  it('answers 403 forbidden to every role but admin on every mapping route', async () => {
    const stored = await deliver(buyerBody('ada@example.com'));
    for (const role of ['viewer', 'agent', 'sponsor'] as const) {
      const answers = [
        await call('GET', '/api/admin/mapping', undefined, role),
        await save(EMAIL_OVERRIDE, role),
        await preview({ deliveryId: stored.id }, role),
      ];
      expect(answers.map((a) => [a.statusCode, a.json().error])).toEqual([
        [403, 'forbidden'],
        [403, 'forbidden'],
        [403, 'forbidden'],
      ]);
    }
    expect((await call('GET', '/api/admin/mapping')).json().saved).toBeNull();
  });
});

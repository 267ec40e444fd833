/**
 * From an ignored delivery to one welcome through the mapping API, on both databases, with the worker
 * running the built-in registration welcome against the HighLevel sandbox: a registration whose email
 * sits where no default candidate looks is kept as ignored; once an admin saves a mapping for it and
 * reprocesses the affected deliveries, it runs its workflow exactly once, however often it is reprocessed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../../helpers/databases.js';
import { drained } from '../../jobs/pipeline-world.js';
import { EVENT_URL, type ParleyWorld, startParleyWorld } from './parley-world.js';

const EMAIL = 'ada.mapped@example.com';

describe.each(DATABASE_KINDS)('reprocessing after a mapping is saved [%s]', (kind) => {
  let world: ParleyWorld;
  let deliveryId: string;

  beforeAll(async () => {
    world = await startParleyWorld(kind, { attendees: 1 });
  });
  afterAll(async () => {
    await world?.close();
  });

  const api = (method: 'PUT' | 'POST', url: string, payload: Record<string, unknown>) =>
    world.app.inject({ method, url, headers: world.auth('admin'), payload });

  function welcomesTo(email: string) {
    const state = world.sandbox.sandbox.domain!.state;
    const contact = state.contacts.findByEmail(world.locationId, email);
    if (!contact) return [];
    return state.messages
      .inLocation(world.locationId)
      .filter((m) => m.direction === 'outbound' && m.contactId === contact.id);
  }

  async function inboxRow(id: string) {
    return world.deps.db
      .selectFrom('inbox')
      .select(['status', 'reason_code'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  }

  it('keeps a registration with an unknown layout as ignored, and welcomes nobody', async () => {
    const body = {
      topic: 'attendee.registered',
      eventUrl: EVENT_URL,
      buyer: { contact: { mail: EMAIL, first: 'Ada' } },
    };
    const response = await fetch(world.hookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(202);
    deliveryId = ((await response.json()) as { id: string }).id;
    await drained(world.pipeline);
    expect(await inboxRow(deliveryId)).toEqual({ status: 'ignored', reason_code: 'no_attendee' });
    expect(welcomesTo(EMAIL)).toHaveLength(0);
  });

  it('welcomes the attendee once after the mapping is saved and the affected delivery reprocessed', async () => {
    const saved = await api('PUT', '/api/admin/mapping', {
      fields: { email: ['buyer.contact.mail'], firstName: ['buyer.contact.first'] },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().affected.ids).toEqual([deliveryId]);
    const reprocessed = await api('POST', '/api/admin/deliveries/reprocess', { ids: saved.json().affected.ids });
    expect(reprocessed.json().deliveries).toEqual([expect.objectContaining({ id: deliveryId, queued: 1 })]);
    await drained(world.pipeline);
    expect(await inboxRow(deliveryId)).toEqual({ status: 'processed', reason_code: null });
    expect(welcomesTo(EMAIL)).toHaveLength(1);
  });

  it('sends nothing more when the delivery is reprocessed again', async () => {
    await api('POST', '/api/admin/deliveries/reprocess', { ids: [deliveryId] });
    await api('POST', '/api/admin/deliveries/reprocess', { ids: [deliveryId] });
    await drained(world.pipeline);
    expect(welcomesTo(EMAIL)).toHaveLength(1);
    expect(await inboxRow(deliveryId)).toEqual({ status: 'processed', reason_code: null });
  });
});

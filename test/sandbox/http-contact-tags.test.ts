/**
 * POST /contacts/{contactId}/tags on the HighLevel sandbox over HTTP, as HighLevel documents it
 * (https://marketplace.gohighlevel.com/docs/ghl/contacts/add-tags): tags are added to the contact's
 * own (once each), the answer is 201 with all of them, the route needs contacts.write, and a body
 * without `tags` is refused.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readJson, type SandboxHandle, withSandbox } from '../helpers/sandbox.js';

let handle: SandboxHandle;
beforeAll(async () => {
  handle = await withSandbox({ attendees: 1 });
});
afterAll(async () => {
  await handle?.close();
});

function post(path: string, token: string, body: unknown): Promise<Response> {
  return fetch(`${handle.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, version: '2021-07-28', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function contactWithTags(tags: string[]): Promise<{ id: string; token: string }> {
  const locationId = handle.sandbox.defaultLocationId;
  const { accessToken } = handle.sandbox.issueToken({ locationId });
  const email = `tags.${Math.random().toString(36).slice(2)}@example.com`;
  const res = await post('/contacts/upsert', accessToken, { locationId, email, tags });
  expect(res.status).toBe(200);
  return { id: (await readJson(res)).contact.id, token: accessToken };
}

it('merges new tags into the contact’s own, answering 201 with all of them', async () => {
  const { id, token } = await contactWithTags(['attendee']);
  const first = await post(`/contacts/${id}/tags`, token, { tags: ['workshops', 'attendee'] });
  expect(first.status).toBe(201);
  expect(await readJson(first)).toEqual({ tags: ['attendee', 'workshops'] });
  const again = await post(`/contacts/${id}/tags`, token, { tags: ['workshops'] });
  expect(await readJson(again)).toEqual({ tags: ['attendee', 'workshops'] });
  expect(handle.sandbox.domain?.state.contacts.get(id)?.tags).toEqual(['attendee', 'workshops']);
});

it('refuses a token without contacts.write with 403 naming the scope, changing nothing', async () => {
  const { id } = await contactWithTags([]);
  const readOnly = handle.sandbox.issueToken({
    locationId: handle.sandbox.defaultLocationId,
    scopes: ['contacts.readonly'],
  }).accessToken;
  const res = await post(`/contacts/${id}/tags`, readOnly, { tags: ['workshops'] });
  expect(res.status).toBe(403);
  expect(JSON.stringify(await readJson(res))).toContain('contacts.write');
  expect(handle.sandbox.domain?.state.contacts.get(id)?.tags).toEqual([]);
});

it('answers 422 for a body without tags', async () => {
  const { id, token } = await contactWithTags([]);
  expect((await post(`/contacts/${id}/tags`, token, {})).status).toBe(422);
});

it('answers 404 for the tags of an unknown contact', async () => {
  const { token } = await contactWithTags([]);
  expect((await post('/contacts/no-such-contact/tags', token, { tags: ['x'] })).status).toBe(404);
});

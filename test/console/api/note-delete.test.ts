/**
 * DELETE /api/notes/{noteId} on the real console, on both databases: an agent or admin deletes a note a
 * HighLevel workflow added (parley_add_note); the change log keeps who and what; viewers and sponsors
 * are refused and the note stays; an unknown id is a 404 naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../src/console/auth/roles.js';
import { insertNote } from '../../helpers/attendee-notes.js';
import { type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';

const AT = Date.UTC(2026, 2, 10, 9, 30);

describe.each(DATABASE_KINDS)('DELETE /api/notes/{noteId} [%s]', (kind) => {
  let harness: ConsoleApp;
  beforeAll(async () => {
    harness = await startConsoleApp(kind, { attendees: 1, sync: false });
  });
  afterAll(async () => harness?.close());

  const addNote = (id: string, body: string) =>
    insertNote(harness.deps.db, {
      id,
      locationId: 'loc-notes',
      contactId: 'contact-notes',
      attendeeId: 'AE-notes',
      body,
      createdAt: AT,
    });
  const remove = (id: string, role: Role | null) =>
    harness.app.inject({
      method: 'DELETE',
      url: `/api/notes/${encodeURIComponent(id)}`,
      headers: role ? harness.auth(role) : {},
    });
  const stored = async (id: string) =>
    harness.deps.db.selectFrom('attendee_notes').select('id').where('id', '=', id).executeTakeFirst();

  it.each(['agent', 'admin'] as const)(
    'lets %s delete a note, recording who and what in the change log',
    async (role) => {
      const id = `note-${role}-${kind}`;
      await addNote(id, 'Asked for a refund <by mistake>');
      const response = await remove(id, role);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ deleted: true, id });
      expect(await stored(id)).toBeUndefined();
      const changes = (
        await harness.app.inject({ url: `/api/admin/changes?target=note:${id}`, headers: harness.auth('admin') })
      ).json().changes;
      expect(changes).toEqual([
        expect.objectContaining({
          actor: harness.email(role),
          action: 'note.deleted',
          target: `note:${id}`,
          detail: {
            contactId: 'contact-notes',
            locationId: 'loc-notes',
            eventKey: 'check-in:devconf-2026',
            source: 'marketplace:wf-notes',
            body: 'Asked for a refund <by mistake>',
          },
        }),
      ]);
    },
  );

  it.each(['viewer', 'sponsor'] as const)('refuses %s with 403 and keeps the note', async (role) => {
    const id = `note-kept-${role}-${kind}`;
    await addNote(id, 'Prefers email');
    expect((await remove(id, role)).statusCode).toBe(403);
    expect(await stored(id)).toEqual({ id });
  });

  it('answers 401 without credentials and keeps the note', async () => {
    const id = `note-anon-${kind}`;
    await addNote(id, 'VIP dinner');
    expect((await remove(id, null)).statusCode).toBe(401);
    expect(await stored(id)).toEqual({ id });
  });

  it('answers 404 naming noteId for an unknown note, recording nothing', async () => {
    const response = await remove('no-such-note', 'agent');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'not_found', field: 'noteId' });
    const changes = (
      await harness.app.inject({ url: '/api/admin/changes?target=note:no-such-note', headers: harness.auth('admin') })
    ).json().changes;
    expect(changes).toEqual([]);
  });
});

/**
 * `parley notes list` in-process against a real database the command opens itself from the environment
 * (PARLEY_DATA_DIR for SQLite, DATABASE_URL for PostgreSQL): an attendee's notes newest first, found by
 * Accelevents attendee id or HighLevel contact id, one line each with control characters kept cli.out of
 * the terminal, --json, --limit, and clear errors for a bad id or limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/cli-error.js';
import { runNotesList } from '../../src/cli/commands/notes.js';
import { buildProgram } from '../../src/cli/main.js';
import { insertNote } from '../helpers/attendee-notes.js';
import { captureCommand, DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/databases.js';

const T1 = Date.UTC(2026, 2, 10, 9, 0);

it('registers notes list as a parley command with the options --json and --limit', async () => {
  const program = await buildProgram();
  const command = program.commands.find((c) => c.name() === 'notes')?.commands.find((c) => c.name() === 'list');
  expect(command?.options.map((o) => o.long)).toEqual(['--json', '--limit']);
});

for (const kind of DATABASE_KINDS) {
  describe(`parley notes list [${kind}]`, () => {
    let database: TestDatabase;
    const cli = captureCommand(() => database);
    const addNote = (id: string, body: string, at: number, contactId = 'contact-1', attendeeId = 'AE-1') =>
      insertNote(database.store.db, {
        id,
        locationId: 'loc-1',
        contactId,
        attendeeId,
        eventKey: 'check-in:devconf',
        body,
        createdAt: at,
      });

    beforeAll(async () => {
      database = await openTestDatabase(kind);
      await addNote('note-old', 'Asked about parking', T1);
      await addNote('note-new', 'Line one\nline two\u001b[31m', T1 + 60_000);
      await addNote('note-other', 'Someone else', T1, 'contact-2', 'AE-2');
    });
    afterAll(async () => {
      await database?.dispose();
    });

    it("lists an attendee's notes newest first by attendee id, one line each", async () => {
      await runNotesList('AE-1', {}, cli.io());
      expect(cli.out).toBe(
        '2026-03-10T09:01:00.000Z  marketplace:wf-notes  (note note-new, contact contact-1 at loc-1)\n' +
          '  Line one line two [31m\n' +
          '2026-03-10T09:00:00.000Z  marketplace:wf-notes  (note note-old, contact contact-1 at loc-1)\n' +
          '  Asked about parking\n',
      );
    });

    it('finds the same notes by HighLevel contact id, as JSON', async () => {
      await runNotesList('contact-1', { json: true }, cli.io());
      const notes = JSON.parse(cli.out);
      expect(notes.map((n: { id: string }) => n.id)).toEqual(['note-new', 'note-old']);
      expect(notes[0]).toMatchObject({ body: 'Line one\nline two\u001b[31m', createdAt: '2026-03-10T09:01:00.000Z' });
    });

    it('keeps to --limit', async () => {
      await runNotesList('AE-1', { limit: '1', json: true }, cli.io());
      expect(JSON.parse(cli.out).map((n: { id: string }) => n.id)).toEqual(['note-new']);
    });

    it('says so when an id has no notes', async () => {
      await runNotesList('AE-404', {}, cli.io());
      expect(cli.out).toBe('no notes on AE-404\n');
    });

    it('refuses an empty id and a limit that is not a whole number from 1 to 1000, naming them', async () => {
      await expect(runNotesList('  ', {}, cli.io())).rejects.toThrow(CliError);
      await expect(runNotesList('AE-1', { limit: '0' }, cli.io())).rejects.toThrow(/--limit must be a whole number/);
      await expect(runNotesList('AE-1', { limit: 'ten' }, cli.io())).rejects.toThrow(/got "ten"/);
    });
  });
}

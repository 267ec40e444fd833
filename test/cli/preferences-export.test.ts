/**
 * `parley preferences export` in-process against a real database the command opens itself from the
 * environment (PARLEY_DATA_DIR for SQLite, DATABASE_URL for PostgreSQL): one row per attendee and key
 * with the contact's email from the local index, CSV escaped for spreadsheets (quotes, commas, line
 * breaks, formula cells), --event to keep one event's attendees, and --json.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/cli-error.js';
import { runPreferencesExport } from '../../src/cli/commands/preferences.js';
import { buildProgram } from '../../src/cli/main.js';
import { saveAnswer } from '../../src/preferences/preference-rows.js';
import { createLocalIndex } from '../../src/search/local-index.js';
import { captureCommand, DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/databases.js';

const LOCATION = 'loc-export';
const T1 = Date.UTC(2026, 2, 10, 9, 0);
const T2 = Date.UTC(2026, 2, 10, 9, 5);

it('registers preferences export as a parley command with the options --csv, --json, --event', async () => {
  const program = await buildProgram();
  const command = program.commands.find((c) => c.name() === 'preferences')?.commands.find((c) => c.name() === 'export');
  expect(command?.options.map((o) => o.long)).toEqual(['--csv', '--json', '--event']);
});

for (const kind of DATABASE_KINDS) {
  describe(`parley preferences export [${kind}]`, () => {
    let database: TestDatabase;
    const cli = captureCommand(() => database);

    async function link(eventKey: string, attendeeId: string, contactId: string): Promise<void> {
      await database.store.db
        .insertInto('attendee_links')
        .values({
          event_key: eventKey,
          attendee_id: attendeeId,
          location_id: LOCATION,
          contact_id: contactId,
          conversation_id: `conv-${contactId}`,
          welcome_message_id: null,
          created_at: T1,
          updated_at: T1,
        })
        .execute();
    }

    beforeAll(async () => {
      database = await openTestDatabase(kind);
      const { db } = database.store;
      // Ada checked in at devconf (registered too: two links, one attendee); Bob at another event.
      await link('devconf', 'att-ada', 'c-ada');
      await link('check-in:devconf', 'att-ada', 'c-ada');
      await link('check-in:otherconf', 'att-bob', 'c-bob');
      const answer = { locationId: LOCATION, key: 'updates' };
      await saveAnswer(db, { ...answer, contactId: 'c-ada', value: 'workshops', raw: '2, "please"', now: T1 });
      await saveAnswer(db, { ...answer, contactId: 'c-bob', value: null, raw: '=HYPERLINK("http://x")\nhi', now: T2 });
      // A contact no attendee link names (a user workflow's own preferences.save).
      await db
        .insertInto('preferences')
        .values({ location_id: LOCATION, contact_id: 'c-zed', key: 'track', value: '-frontend', received_at: T2 })
        .execute();
      const index = createLocalIndex({ db, dialect: database.store.dialect, now: () => T1 });
      await index.upsertConversation({
        conversationId: 'conv-c-ada',
        locationId: LOCATION,
        contactId: 'c-ada',
        contactEmail: 'Ada@Example.com',
        updatedAt: T1,
      });
    });
    afterAll(async () => {
      await database?.dispose();
    });

    it('prints one CSV row per stored answer, escaped for spreadsheets', async () => {
      await runPreferencesExport({ csv: true }, cli.io());
      expect(cli.out).toBe(
        [
          'attendee_id,email,contact_id,key,value,raw,answered_at',
          `att-ada,ada@example.com,c-ada,updates,workshops,"2, ""please""",${new Date(T1).toISOString()}`,
          `att-bob,,c-bob,updates,,"'=HYPERLINK(""http://x"")\nhi",${new Date(T2).toISOString()}`,
          `,,c-zed,track,'-frontend,,${new Date(T2).toISOString()}`,
          '',
        ].join('\r\n'),
      );
    });

    it('prints CSV when neither --csv nor --json is given', async () => {
      await runPreferencesExport({}, cli.io());
      expect(cli.out.split('\r\n')[0]).toBe('attendee_id,email,contact_id,key,value,raw,answered_at');
    });

    it('keeps only the attendees of one event with --event, whichever link names it', async () => {
      await runPreferencesExport({ csv: true, event: 'devconf' }, cli.io());
      expect(cli.out.split('\r\n').slice(1, -1)).toEqual([
        expect.stringMatching(/^att-ada,ada@example\.com,c-ada,updates,/),
      ]);
      await runPreferencesExport({ csv: true, event: 'otherconf' }, cli.io());
      expect(cli.out.split('\r\n').slice(1, -1)).toEqual([expect.stringMatching(/^att-bob,/)]);
      await runPreferencesExport({ csv: true, event: 'nothing-here' }, cli.io());
      expect(cli.out).toBe('attendee_id,email,contact_id,key,value,raw,answered_at\r\n');
    });

    it('prints the rows as JSON with --json', async () => {
      await runPreferencesExport({ json: true, event: 'otherconf' }, cli.io());
      expect(JSON.parse(cli.out)).toEqual([
        {
          attendeeId: 'att-bob',
          email: null,
          contactId: 'c-bob',
          key: 'updates',
          value: null,
          raw: '=HYPERLINK("http://x")\nhi',
          answeredAt: new Date(T2).toISOString(),
        },
      ]);
    });

    it('refuses --csv with --json as a usage error', async () => {
      await expect(runPreferencesExport({ csv: true, json: true }, cli.io())).rejects.toMatchObject({
        code: 'invalid_argument',
        exitCode: 2,
      });
    });

    it('refuses an empty --event, naming it', async () => {
      const empty = await runPreferencesExport({ event: ' ' }, cli.io()).catch((error: unknown) => error);
      expect(empty).toBeInstanceOf(CliError);
      expect((empty as CliError).message).toContain('--event');
    });
  });
}

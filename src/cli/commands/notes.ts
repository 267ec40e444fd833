/**
 * `parley notes list <attendee-or-contact-id> [--json] [--limit N]`: the notes HighLevel workflows added
 * to an attendee (`parley_add_note`), newest first, by Accelevents attendee id or HighLevel contact id,
 * from src/console/attendees/attendee-notes.ts. Agents see the same notes in the console's attendee
 * panel, where they can delete one. Opens the database only, like `parley inbox`.
 */
import type { Command } from 'commander';
import type { CommandIo } from '../../app/command-io.js';
import { withStoreRuntime } from '../../app/open-store-runtime.js';
import { type AttendeeNote, notesFor } from '../../console/attendees/attendee-notes.js';
import { CliError } from '../cli-error.js';
import { commandIo, terminalJson } from '../command-output.js';
import { withCliErrors } from '../to-cli-error.js';

export interface NotesListOptions {
  json?: boolean;
  limit?: string;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;

export function register(program: Command): void {
  const notes = program.command('notes').description('notes HighLevel workflows added to attendees (parley_add_note)');
  notes
    .command('list')
    .description("an attendee's notes, newest first, by Accelevents attendee id or HighLevel contact id")
    .argument('<id>', 'Accelevents attendee id or HighLevel contact id')
    .option('--json', 'a JSON array')
    .option('--limit <n>', `at most this many notes (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})`)
    .action(async function (this: Command, id: string, options: NotesListOptions) {
      await runNotesList(id, options, commandIo(this));
    });
}

export async function runNotesList(id: string, options: NotesListOptions, io: CommandIo): Promise<void> {
  const trimmed = id.trim();
  if (trimmed === '') {
    throw new CliError(
      'invalid_argument',
      'give the attendee id or the HighLevel contact id, e.g. parley notes list AE-1234',
      {
        exitCode: 2,
      },
    );
  }
  const limit = options.limit === undefined ? DEFAULT_LIMIT : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new CliError(
      'invalid_argument',
      `--limit must be a whole number from 1 to ${MAX_LIMIT}; got "${options.limit}"`,
      {
        exitCode: 2,
      },
    );
  }
  const notes = await withCliErrors(() => withStoreRuntime(io, ({ store }) => notesFor(store.db, trimmed, limit)));
  io.write(options.json === true ? toJson(notes) : toText(trimmed, notes));
}

function toText(id: string, notes: readonly AttendeeNote[]): string {
  if (notes.length === 0) return `no notes on ${id}\n`;
  return notes
    .map(
      (note) =>
        `${new Date(note.createdAt).toISOString()}  ${note.source}  (note ${note.id}, contact ${note.contactId} at ${note.locationId})\n` +
        `  ${oneLine(note.body)}\n`,
    )
    .join('');
}

/** A note is free text from a workflow: its line breaks and control characters stay out of the terminal. */
function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
}

function toJson(notes: readonly AttendeeNote[]): string {
  return terminalJson(notes.map((note) => ({ ...note, createdAt: new Date(note.createdAt).toISOString() })));
}

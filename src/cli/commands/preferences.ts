/**
 * `parley preferences export [--csv | --json] [--event <key>]`: every stored answer to a preference
 * question, one row per attendee and key (attendee id, email, contact id, key, value, raw answer,
 * answered at), from src/preferences/attendee-answers.ts. CSV (the default) is escaped for
 * spreadsheets, formula cells defused (src/preferences/csv.ts). Opens the database only, like
 * `parley inbox`.
 */
import type { Command } from 'commander';
import type { CommandIo } from '../../app/command-io.js';
import { withStoreRuntime } from '../../app/open-store-runtime.js';
import { type ExportRow, exportRows } from '../../preferences/attendee-answers.js';
import { csvLine } from '../../preferences/csv.js';
import { CliError } from '../cli-error.js';
import { commandIo, terminalJson } from '../command-output.js';
import { withCliErrors } from '../to-cli-error.js';

export interface PreferencesExportOptions {
  csv?: boolean;
  json?: boolean;
  event?: string;
}

export const EXPORT_COLUMNS = ['attendee_id', 'email', 'contact_id', 'key', 'value', 'raw', 'answered_at'] as const;

export function register(program: Command): void {
  const preferences = program
    .command('preferences')
    .description("attendees' answers to preference questions (the check-in question)");
  preferences
    .command('export')
    .description('print every answer, one row per attendee and question key, as CSV (default) or JSON')
    .option('--csv', 'CSV with a header row (the default)')
    .option('--json', 'a JSON array')
    .option('--event <key>', 'only attendees of this Accelevents event (its URL or id)')
    .action(async function (this: Command, options: PreferencesExportOptions) {
      await runPreferencesExport(options, commandIo(this));
    });
}

export async function runPreferencesExport(options: PreferencesExportOptions, io: CommandIo): Promise<void> {
  if (options.csv === true && options.json === true) {
    throw new CliError('invalid_argument', 'give --csv or --json, not both', { exitCode: 2 });
  }
  if (options.event !== undefined && options.event.trim() === '') {
    throw new CliError('invalid_argument', '--event needs the event URL or id, e.g. --event devconf-2026', {
      exitCode: 2,
    });
  }
  const rows = await withCliErrors(async () => {
    return withStoreRuntime(io, ({ store }) =>
      exportRows(store.db, options.event === undefined ? {} : { eventKey: options.event.trim() }),
    );
  });
  io.write(options.json === true ? toJson(rows) : toCsv(rows));
}

function answeredAt(row: ExportRow): string {
  return new Date(row.answeredAt).toISOString();
}

function toCsv(rows: readonly ExportRow[]): string {
  return [
    csvLine(EXPORT_COLUMNS),
    ...rows.map((row) =>
      csvLine([row.attendeeId, row.email, row.contactId, row.key, row.value, row.raw, answeredAt(row)]),
    ),
  ].join('');
}

function toJson(rows: readonly ExportRow[]): string {
  return terminalJson(rows.map((row) => ({ ...row, answeredAt: answeredAt(row) })));
}

/**
 * CSV for spreadsheets: RFC 4180 quoting (https://www.rfc-editor.org/rfc/rfc4180: a cell with a
 * comma, quote or line break is quoted, its quotes doubled; lines end in CRLF), and cells that a
 * spreadsheet would run as a formula (starting with = + - @, tab or carriage return) get a leading
 * apostrophe first (https://owasp.org/www-community/attacks/CSV_Injection). Attendees write the raw
 * answers, so every cell is treated as untrusted.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

export function csvCell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

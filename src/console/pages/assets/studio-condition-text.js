// parley studio: a condition picked as field + operator + value, as the Liquid text a workflow stores
// (`attendee.ticketType == 'VIP Pass'`), and back. Only the shapes built here are read back; any other
// condition stays text. Liquid strings have no escapes, so a value is quoted with whichever quote it
// does not contain (https://shopify.github.io/liquid/basics/types/#string). `blank` is Liquid's
// empty-or-missing value, so "is empty" holds for "", null and a missing field alike.
// No DOM here: test/console/pages/studio-condition-text.test.ts runs it against the real template engine.

export const OPERATORS = [
  { id: 'is', label: 'is', liquid: '==', takesValue: true },
  { id: 'is-not', label: 'is not', liquid: '!=', takesValue: true },
  { id: 'contains', label: 'contains', liquid: 'contains', takesValue: true },
  { id: 'is-empty', label: 'is empty', liquid: '==', takesValue: false },
  { id: 'is-not-empty', label: 'is not empty', liquid: '!=', takesValue: false },
];

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const PICKED = /^\s*([A-Za-z_][A-Za-z0-9_.]*?)\s+(==|!=|contains)\s+(?:'([^']*)'|"([^"]*)"|(blank))\s*$/;

/** { field, operator, value } → { text } or { error } saying what is wrong. */
export function conditionText({ field, operator, value }) {
  if (!field || !FIELD.test(field)) return { error: 'Choose a field.' };
  const op = OPERATORS.find((candidate) => candidate.id === operator);
  if (!op) return { error: 'Choose how to compare.' };
  if (!op.takesValue) return { text: `${field} ${op.liquid} blank` };
  const text = value ?? '';
  if (text.includes("'") && text.includes('"')) {
    return { error: 'A value cannot hold both a single quote and a double quote.' };
  }
  const quoted = text.includes("'") ? `"${text}"` : `'${text}'`;
  return { text: `${field} ${op.liquid} ${quoted}` };
}

/** The picker's { field, operator, value } for a condition built here; null for any other text. */
export function parseCondition(text) {
  const match = PICKED.exec(text ?? '');
  if (!match) return null;
  const [, field, liquid, single, double, keyword] = match;
  if (!FIELD.test(field)) return null;
  if (keyword !== undefined) {
    if (liquid === 'contains') return null;
    return { field, operator: liquid === '==' ? 'is-empty' : 'is-not-empty', value: '' };
  }
  const operator = liquid === '==' ? 'is' : liquid === '!=' ? 'is-not' : 'contains';
  return { field, operator, value: single ?? double ?? '' };
}

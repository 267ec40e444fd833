/**
 * A subscription's filters, applied by parley before it fires: every execution of a marketplace
 * trigger is billed to the sub-account ("chargeable per execution",
 * https://help.gohighlevel.com/support/solutions/articles/155000000571-marketplace-workflow-actions),
 * and HighLevel does not say whether it filters executions itself. A filter is
 * `{ field, operator, value }` with `field` a dot path into the payload; all of them must hold.
 *
 * Text compares case-insensitively and trimmed. A list value (a multiselect) holds when any item
 * matches. An operator parley does not know is not applied here (logged by the caller) and is left to
 * HighLevel, rather than dropping an event the author wanted.
 */
import type { SubscriptionFilter } from './subscriptions.js';

export type FilterVerdict = { pass: true; unknown: string[] } | { pass: false; failed: string };

const EQUALS = new Set(['==', '=', 'eq', 'equals', 'is', 'in', 'has_any', 'any_of']);
const NOT_EQUALS = new Set(['!=', '<>', 'ne', 'not_equals', 'is_not', 'not_in', 'none_of']);
const CONTAINS = new Set(['contains', 'includes']);
const NOT_CONTAINS = new Set(['not_contains', 'does_not_contain']);

function valueAt(payload: unknown, path: string): unknown {
  let current: unknown = payload;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function norm(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return String(value).trim().toLowerCase();
}

function wanted(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((item) => {
    // A select option may arrive as { label, value }.
    const raw =
      typeof item === 'object' && item !== null && 'value' in item ? (item as { value: unknown }).value : item;
    const n = norm(raw);
    return n === null || n === '' ? [] : [n];
  });
}

export function applyFilters(filters: readonly SubscriptionFilter[], payload: unknown): FilterVerdict {
  const unknown: string[] = [];
  for (const filter of filters) {
    const values = wanted(filter.value);
    // A filter left empty in the builder excludes nothing.
    if (values.length === 0) continue;
    const operator = (typeof filter.operator === 'string' ? filter.operator : '==').trim().toLowerCase();
    const actual = norm(valueAt(payload, filter.field));
    let holds: boolean;
    if (EQUALS.has(operator)) holds = actual !== null && values.includes(actual);
    else if (NOT_EQUALS.has(operator)) holds = actual === null || !values.includes(actual);
    else if (CONTAINS.has(operator)) holds = actual !== null && values.some((v) => actual.includes(v));
    else if (NOT_CONTAINS.has(operator)) holds = actual === null || !values.some((v) => actual.includes(v));
    else {
      unknown.push(`${filter.field} ${operator}`);
      continue;
    }
    if (!holds)
      return { pass: false, failed: `${filter.field} ${operator} ${values.join('|')} (was ${actual ?? 'empty'})` };
  }
  return { pass: true, unknown };
}

import { badRequest } from './domain-error.js';

/** Page size from a query value: default when absent, at least 1, capped at `max`. */
export function parseLimit(raw: unknown, defaults: { default: number; max: number }): number {
  if (raw === undefined || raw === '') return defaults.default;
  const n = Math.floor(Number(raw));
  if (!Number.isFinite(n) || n < 1) throw badRequest(`limit must be a number of 1 or more, got ${String(raw)}`);
  return Math.min(n, defaults.max);
}

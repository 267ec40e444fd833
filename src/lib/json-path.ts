/**
 * The small path language of the payload mapping: dotted keys with array indexes, e.g.
 * `data.attendee.email`, `attendees[0].barcode` or `attendees.0.barcode`. Enough for the shapes
 * Accelevents might send (docs/accelevents-assumptions.md) without a JSONPath dependency.
 */

export type PathSegment = string | number;

/** One dotted segment: a key (no dots, brackets or spaces) followed by any number of `[n]` indexes. */
const SEGMENT = /^([^.[\]\s]+)((?:\[\d+\])*)$/;
const INDEX = /\[(\d+)\]/g;
const MAX_PATH_LENGTH = 200;

/** The segments of `path`, or null when it is not a valid path. */
export function parsePath(path: string): PathSegment[] | null {
  if (typeof path !== 'string' || path.length === 0 || path.length > MAX_PATH_LENGTH) return null;
  const segments: PathSegment[] = [];
  for (const part of path.split('.')) {
    const match = SEGMENT.exec(part);
    if (!match) return null;
    const key = match[1]!;
    segments.push(/^\d+$/.test(key) ? Number(key) : key);
    for (const index of (match[2] ?? '').matchAll(INDEX)) segments.push(Number(index[1]));
  }
  return segments;
}

export function isValidPath(path: string): boolean {
  return parsePath(path) !== null;
}

/**
 * The value at `segments`, or undefined. A number indexes an array; a numeric key on an object is read
 * as its string key, so `{ "0": … }` works too. Own properties only, so `__proto__` finds nothing.
 */
export function readPath(value: unknown, segments: readonly PathSegment[]): unknown {
  let current: unknown = value;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null) return undefined;
    if (Array.isArray(current)) {
      if (typeof segment !== 'number') return undefined;
      current = current[segment];
      continue;
    }
    const key = String(segment);
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * Turns a key path into `line:col` in the YAML source, so every config error points at the spot.
 * Uses the yaml Document's node ranges (offsets) and a LineCounter to map offsets to positions.
 */
import { type Document, isMap, isNode, isPair, isScalar, type LineCounter } from 'yaml';

export type KeyPath = readonly (string | number)[];

export interface YamlPosition {
  line: number;
  col: number;
}

/** Where the value at `path` starts; for a path that is absent, its nearest present ancestor. */
export function positionOf(doc: Document, lineCounter: LineCounter, path: KeyPath): YamlPosition {
  for (let depth = path.length; depth > 0; depth -= 1) {
    const node = doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]);
  }
  if (isNode(doc.contents) && doc.contents.range) return lineCounter.linePos(doc.contents.range[0]);
  return { line: 1, col: 1 };
}

/** Where the key `key` of the map at `parentPath` is written (for unknown keys). */
export function positionOfKey(doc: Document, lineCounter: LineCounter, parentPath: KeyPath, key: string): YamlPosition {
  const parent = parentPath.length === 0 ? doc.contents : doc.getIn(parentPath, true);
  if (isMap(parent)) {
    for (const item of parent.items) {
      if (isPair(item) && isScalar(item.key) && String(item.key.value) === key && item.key.range) {
        return lineCounter.linePos(item.key.range[0]);
      }
    }
  }
  return positionOf(doc, lineCounter, parentPath);
}

/** `highlevel.webhookKeys.rsa[0]`: the notation used in every config error. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '(top level)' : out;
}

/**
 * Form-encoded webhook bodies into objects, so the same mapping paths work for JSON and forms:
 * `attendee[email]=a@b` becomes `{ attendee: { email } }`, a repeated key or `tags[]` an array. Objects
 * have no prototype, so `__proto__[x]` is just a key. Depth and field count are capped as `qs` caps them
 * (depth 5, 1000 parameters), and anything past the caps stays a flat key.
 */
const MAX_DEPTH = 5;
const MAX_FIELDS = 1000;
const BRACKETED = /^([^[\]]+)((?:\[[^[\]]*\])+)$/;

type FormValue = string | string[] | FormObject;
interface FormObject {
  [key: string]: FormValue;
}

function keyPath(key: string): { path: string[]; append: boolean } {
  const match = BRACKETED.exec(key);
  if (!match) return { path: [key], append: false };
  const inner = [...(match[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? '');
  const append = inner.at(-1) === '';
  const path = [match[1]!, ...(append ? inner.slice(0, -1) : inner)];
  if (path.length > MAX_DEPTH + 1 || path.some((part) => part === '')) return { path: [key], append: false };
  return { path, append };
}

function setLeaf(target: FormObject, leaf: string, value: string, append: boolean): boolean {
  const existing = target[leaf];
  if (existing === undefined) target[leaf] = append ? [value] : value;
  else if (typeof existing === 'string') target[leaf] = [existing, value];
  else if (Array.isArray(existing)) existing.push(value);
  else return false; // an object already lives there
  return true;
}

export function parseFormBody(text: string): Record<string, unknown> {
  const root: FormObject = Object.create(null);
  let count = 0;
  for (const [key, value] of new URLSearchParams(text)) {
    if (++count > MAX_FIELDS) break;
    const { path, append } = keyPath(key);
    let target: FormObject = root;
    let placed = true;
    for (const part of path.slice(0, -1)) {
      const next = target[part];
      if (next === undefined) {
        const created: FormObject = Object.create(null);
        target[part] = created;
        target = created;
      } else if (typeof next === 'object' && !Array.isArray(next)) {
        target = next;
      } else {
        placed = false;
        break;
      }
    }
    if (!placed || !setLeaf(target, path.at(-1)!, value, append)) setLeaf(root, key, value, false);
  }
  return root;
}

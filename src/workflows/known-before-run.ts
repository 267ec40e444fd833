/**
 * Which templates have the same value before the first step as when their step runs: those that read
 * only the trigger's data, `location`, `run` and named templates that do the same, never `steps.*`.
 * Anything the analysis cannot follow (a computed `templates[...]` key, a named template that uses
 * itself) counts as depending on steps, so a doubtful input is still checked when its step runs.
 */
import type { TemplateEngine, VariablePath } from '../lib/template-engine.js';

export interface KnownBeforeRun {
  /** True when `value` (a template string, or strings inside objects and arrays) reads no step output. */
  template(value: unknown): boolean;
  condition(source: string): boolean;
}

export function knownBeforeRun(engine: TemplateEngine, templates: Record<string, string> = {}): KnownBeforeRun {
  const named = new Map<string, boolean>();
  const visiting = new Set<string>();

  function namedTemplate(name: string): boolean {
    const done = named.get(name);
    if (done !== undefined) return done;
    const source = templates[name];
    // An unknown name renders empty whenever it is rendered.
    if (source === undefined) return true;
    if (visiting.has(name)) return false;
    visiting.add(name);
    const known = pathsKnown(engine.variables(source));
    visiting.delete(name);
    named.set(name, known);
    return known;
  }

  function pathKnown(path: VariablePath): boolean {
    const [root, key] = path;
    if (root === 'steps') return false;
    if (path.some((segment) => Array.isArray(segment) && !pathKnown(segment))) return false;
    if (root !== 'templates') return true;
    return typeof key === 'string' && namedTemplate(key);
  }

  function pathsKnown(paths: VariablePath[]): boolean {
    return paths.every(pathKnown);
  }

  function template(value: unknown): boolean {
    if (typeof value === 'string') return pathsKnown(engine.variables(value));
    if (Array.isArray(value)) return value.every(template);
    if (typeof value === 'object' && value !== null) return Object.values(value).every(template);
    return true;
  }

  return {
    template,
    condition: (source) => pathsKnown(engine.variables(source, 'condition')),
  };
}

/** `event.key`, `templates.welcome`, `items[0]`: how a path reads in a template, for messages. */
export function formatVariablePath(path: VariablePath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (Array.isArray(segment)) text += `[${formatVariablePath(segment)}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}

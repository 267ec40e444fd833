/**
 * Workflow templates: liquidjs, the well-kept engine the issue asks for. Every string in a step's
 * `with` is a template rendered against the run's scope; a string that is exactly one `{{ expr }}`
 * keeps the value's type (a number stays a number, an object an object). Templates compile once and
 * are cached, since the same definition renders for every attendee: a single expression is kept as
 * a parsed liquid `Value`, because `liquid.evalValueSync(text)` tokenizes its text on every call (the
 * engine-overhead profile showed that tokenizing once per attendee and field).
 */
import { Context, Drop, Liquid, type Template, toValueSync, Value } from 'liquidjs';
import { registerFilters } from './template-filters.js';

/** What templates see (triggers.ts lists each trigger's fields). `templates` is added by the engine. */
export interface TemplateScope {
  attendee?: unknown;
  event?: unknown;
  session?: unknown;
  message?: unknown;
  location: { id: string };
  steps: Record<string, unknown>;
  run: { id: string; workflow: string; key: string };
  [name: string]: unknown;
}

/** A syntax problem, positioned inside the template text (1-based). */
export interface TemplateProblem {
  message: string;
  line: number;
  col: number;
}

type Compiled =
  | { kind: 'text'; text: string }
  | { kind: 'expression'; value: Value }
  | { kind: 'template'; template: Template[] };

const SINGLE_EXPRESSION = /^\{\{-?\s*([\s\S]*?)\s*-?\}\}$/;
const CONDITION_PREFIX = '{% if ';

function singleExpression(source: string): string | null {
  const trimmed = source.trim();
  const match = SINGLE_EXPRESSION.exec(trimmed);
  if (!match || match[1] === undefined) return null;
  const inner = match[1];
  return inner.includes('{{') || inner.includes('}}') || inner.includes('{%') ? null : inner;
}

/** `{{ x }}` written where a condition is expected means the same as `x`. */
function conditionExpression(source: string): string {
  return singleExpression(source) ?? source.trim();
}

function liquidPosition(error: unknown): { line: number; col: number } {
  const token = (error as { token?: { getPosition?: () => [number, number] } }).token;
  const position = token?.getPosition?.();
  return position ? { line: position[0], col: position[1] } : { line: 1, col: 1 };
}

/** liquidjs appends ", line:1, col:7" to its messages; the caller reports positions itself. */
function bareMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/, line:\d+, col:\d+$/, '');
}

class TemplatesDrop extends Drop {
  constructor(
    private readonly templates: Record<string, string>,
    private readonly renderNamed: (source: string) => string,
  ) {
    super();
  }
  override liquidMethodMissing(key: string | number): unknown {
    const source = this.templates[String(key)];
    return source === undefined ? undefined : this.renderNamed(source);
  }
}

/** A variable a template reads, e.g. `['event', 'key']`; a computed key (`templates[name]`) is a nested path. */
export type VariablePath = Array<string | number | VariablePath>;

export interface TemplateEngine {
  /** Null when `source` compiles; else what is wrong and where. */
  checkTemplate(source: string): TemplateProblem | null;
  checkCondition(source: string): TemplateProblem | null;
  /** Renders every string inside `value` (objects and arrays deeply); other values pass through. */
  render(value: unknown, scope: TemplateScope, templates?: Record<string, string>): unknown;
  test(condition: string, scope: TemplateScope, templates?: Record<string, string>): boolean;
  /** The global variables a template (or a condition) reads, found without rendering it. */
  variables(source: string, kind?: 'template' | 'condition'): VariablePath[];
}

export function createTemplateEngine(): TemplateEngine {
  // strictVariables off: a missing attendee field renders empty, as users of no-code tools expect.
  // strictFilters on: a misspelt filter is an error at validation. jsTruthy: '' and 0 are false, so
  // `{% if attendee.phone %}` means "has a phone" (liquid's own rule treats '' as true).
  const liquid = new Liquid({ strictVariables: false, strictFilters: true, jsTruthy: true, ownPropertyOnly: true });
  registerFilters(liquid);
  const cache = new Map<string, Compiled>();
  const conditions = new Map<string, Template[]>();
  const variables = new Map<string, VariablePath[]>();

  function compile(source: string): Compiled {
    let compiled = cache.get(source);
    if (compiled) return compiled;
    if (!source.includes('{{') && !source.includes('{%')) compiled = { kind: 'text', text: source };
    else {
      const expression = singleExpression(source);
      // Parsing the whole string also checks the filters of a single expression (strictFilters).
      const template = liquid.parse(source);
      compiled =
        expression !== null
          ? { kind: 'expression', value: new Value(expression, liquid) }
          : { kind: 'template', template };
    }
    cache.set(source, compiled);
    return compiled;
  }

  function compileCondition(source: string): Template[] {
    let template = conditions.get(source);
    if (!template) {
      template = liquid.parse(`${CONDITION_PREFIX}${conditionExpression(source)} %}1{% endif %}`);
      conditions.set(source, template);
    }
    return template;
  }

  function withTemplates(scope: TemplateScope, templates: Record<string, string> | undefined): object {
    if (!templates) return scope;
    const full: Record<string, unknown> = { ...scope };
    full.templates = new TemplatesDrop(templates, (source) => String(renderString(source, full)));
    return full;
  }

  function renderString(source: string, scope: object): unknown {
    const compiled = compile(source);
    if (compiled.kind === 'text') return compiled.text;
    if (compiled.kind === 'expression') {
      // What evalValueSync does, minus the tokenizing: a fresh Context per string, as before.
      const context = new Context(scope, liquid.options, { sync: true }, { liquid });
      return toPlain(toValueSync(compiled.value.value(context)));
    }
    return liquid.renderSync(compiled.template, scope);
  }

  function renderDeep(value: unknown, scope: object): unknown {
    if (typeof value === 'string') return renderString(value, scope);
    if (Array.isArray(value)) return value.map((item) => renderDeep(item, scope));
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = renderDeep(item, scope);
      return out;
    }
    return value;
  }

  return {
    checkTemplate(source) {
      try {
        compile(source);
        return null;
      } catch (error) {
        return { message: bareMessage(error), ...liquidPosition(error) };
      }
    },
    checkCondition(source) {
      try {
        compileCondition(source);
        return null;
      } catch (error) {
        const { line, col } = liquidPosition(error);
        // Report the column in the user's text, not in the `{% if … %}` wrapper.
        return {
          message: bareMessage(error),
          line,
          col: line === 1 ? Math.max(1, col - CONDITION_PREFIX.length) : col,
        };
      }
    },
    render(value, scope, templates) {
      return renderDeep(value, withTemplates(scope, templates));
    },
    test(condition, scope, templates) {
      return liquid.renderSync(compileCondition(condition), withTemplates(scope, templates)) === '1';
    },
    variables(source, kind = 'template') {
      const key = `${kind}:${source}`;
      let found = variables.get(key);
      if (!found) {
        const template = kind === 'condition' ? compileCondition(source) : liquid.parse(source);
        found = liquid.globalVariableSegmentsSync(template) as VariablePath[];
        variables.set(key, found);
      }
      return found;
    },
  };
}

/** A liquid Drop or undefined never reaches a request body: drops become their plain value. */
function toPlain(value: unknown): unknown {
  if (value instanceof Drop) return (value as Drop & { valueOf?: () => unknown }).valueOf?.() ?? undefined;
  return value;
}

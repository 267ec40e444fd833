/**
 * The operation lists the scope planner reads for code outside workflows (and for the composite
 * actions) are declared next to their code; this reads that code and fails when it calls an operation
 * its list does not name, or a list names one the code no longer calls, so the two cannot drift.
 * Calls are found as quoted operation ids and as calls of the client's typed API methods
 * (src/highlevel/conversations-api.ts, contacts-api.ts), mapped to the operation each method calls.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONSOLE_READ_OPERATIONS, CONSOLE_WRITE_OPERATIONS } from '../../src/features/console-operations.js';
import { HIGHLEVEL_EVENT_JOB_OPERATIONS } from '../../src/features/webhook-event-operations.js';
import { KNOWN_OPERATIONS } from '../../src/highlevel/operation-catalog.js';
import { INDEX_SYNC_OPERATIONS } from '../../src/search/sync-operations.js';
import { getAction } from '../../src/workflows/actions/action-registry.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const KNOWN = new Set(KNOWN_OPERATIONS.map((op) => op.operationId));

function read(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(dir, name));
}

/** Method name → operation id, read from the typed API files: each method's body names its operation first. */
function apiMethods(): Map<string, string> {
  const methods = new Map<string, string>();
  for (const file of ['src/highlevel/conversations-api.ts', 'src/highlevel/contacts-api.ts']) {
    let current: string | null = null;
    for (const line of read(file).split('\n')) {
      const method = /^ {4}(\w+): (?:async )?\(/.exec(line);
      if (method) current = method[1] ?? null;
      for (const [, id] of line.matchAll(/'([a-z][a-z-]+)'/g)) {
        if (current && id && KNOWN.has(id) && !methods.has(current)) methods.set(current, id);
      }
    }
  }
  return methods;
}

const METHODS = apiMethods();

/**
 * Every operation a set of source files calls: by API method anywhere, and by quoted id in files that
 * make a generic `.call(` (a file only naming operations, e.g. to mirror their results, calls none).
 */
function calledIn(files: readonly string[]): string[] {
  const found = new Set<string>();
  for (const file of files) {
    const text = read(file);
    if (/\.call\s*[<(]/.test(text)) {
      for (const [, id] of text.matchAll(/'([a-z][a-z-]+)'/g)) if (id && KNOWN.has(id)) found.add(id);
    }
    for (const [, name] of text.matchAll(/\.(\w+)\(/g)) {
      const op = name ? METHODS.get(name) : undefined;
      if (op) found.add(op);
    }
  }
  return [...found].sort();
}

const sorted = (list: readonly string[]) => [...new Set(list)].sort();

describe('code path operation lists match the code', () => {
  it('reads the typed API: every method maps to the operation it calls', () => {
    expect(METHODS.get('getContact')).toBe('get-contact');
    expect(METHODS.get('cancelScheduledEmail')).toBe('cancel-scheduled-email-message');
    expect(METHODS.get('getMessages')).toBe('get-messages');
    expect(METHODS.size).toBe(17);
  });

  it('the pipeline’s job handlers (the inbound-message job with what it uses) call exactly HIGHLEVEL_EVENT_JOB_OPERATIONS', () => {
    const files = filesUnder('src/jobs/handlers');
    expect(files).toContain('src/jobs/handlers/highlevel-event-handler.ts');
    expect(calledIn(files)).toEqual(sorted(HIGHLEVEL_EVENT_JOB_OPERATIONS));
  });

  it('the index sync calls exactly INDEX_SYNC_OPERATIONS', () => {
    const files = filesUnder('src/search').filter((f) => !f.endsWith('sync-operations.ts'));
    expect(calledIn(files)).toEqual(sorted(INDEX_SYNC_OPERATIONS));
  });

  it('the console calls exactly CONSOLE_READ_OPERATIONS plus CONSOLE_WRITE_OPERATIONS', () => {
    const files = filesUnder('src/console');
    expect(calledIn(files)).toEqual(sorted([...CONSOLE_READ_OPERATIONS, ...CONSOLE_WRITE_OPERATIONS]));
  });

  it('the console’s read paths call only CONSOLE_READ_OPERATIONS', () => {
    const files = filesUnder('src/console');
    const readFiles = files.filter((f) => /\/(read-[\w-]+|recording-range|upstream-cache)\.ts$/.test(f));
    expect(readFiles.length).toBeGreaterThan(3);
    expect(calledIn(readFiles)).toEqual(sorted(CONSOLE_READ_OPERATIONS));
  });

  it('each composite action declares every operation its code calls, the send guard included', () => {
    const cases = [
      ['src/workflows/actions/contacts-upsert.ts', 'contacts.upsert'],
      ['src/workflows/actions/find-or-create-conversation.ts', 'conversations.find-or-create'],
      ['src/workflows/actions/message-guard.ts', 'highlevel.send-a-new-message'],
    ] as const;
    for (const [file, action] of cases) {
      const declared = getAction(action)?.operations ?? [];
      for (const op of calledIn([file])) expect(declared, `${file} → ${action}`).toContain(op);
    }
  });
});

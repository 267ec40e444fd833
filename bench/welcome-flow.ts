/**
 * The welcome flow the bench runs: upsert the contact, find or create its
 * conversation, GET it, send the welcome. parley runs the shipped built-in
 * `workflows/builtin/registration-welcome.yaml` through the real engine; the baselines make the same
 * HTTP calls in sequence with plain fetch.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTemplateEngine, type TemplateEngine } from '../src/lib/template-engine.js';
import type { WorkflowDefinition } from '../src/workflows/definition-schema.js';
import { parseWorkflowSource } from '../src/workflows/load-workflows.js';

const BUILTIN = fileURLToPath(new URL('../workflows/builtin/registration-welcome.yaml', import.meta.url));

export interface WelcomeDefinition {
  definition: WorkflowDefinition;
  engine: TemplateEngine;
  /** Where the definition came from, for the printed table. */
  source: string;
}

export function loadWelcomeDefinition(): WelcomeDefinition {
  const engine = createTemplateEngine();
  const parsed = parseWorkflowSource(readFileSync(BUILTIN, 'utf8'), BUILTIN, engine);
  const first = parsed.workflows[0];
  if (!first || parsed.issues.length > 0) {
    throw new Error(`the built-in registration-welcome workflow does not validate: ${JSON.stringify(parsed.issues)}`);
  }
  return { definition: first.definition, engine, source: 'workflows/builtin/registration-welcome.yaml' };
}

export interface BenchAttendee {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  ticketType: string;
}

/** Attendee `i` of a run: unique email and phone per run tag, so each flow makes its own contact. */
export function benchAttendee(tag: string, i: number): BenchAttendee {
  const n = String(i).padStart(7, '0');
  return {
    id: `att-${tag}-${n}`,
    firstName: 'Ada',
    lastName: `Bench${n}`,
    email: `ada.${tag}.${n}@example.com`,
    phone: `+1555${n}`,
    ticketType: 'General',
  };
}

export const BENCH_EVENT = { id: 'evt-bench', key: 'evt-bench', name: 'Bench Summit 2026' };

/** One HTTP call as the baselines make it; returns the parsed JSON of a 2xx. */
export type PlainCall = (method: string, path: string, body?: unknown) => Promise<any>;

/** A plain-fetch caller with HighLevel's headers; `onStatus` sees every answer's status. */
export function plainCaller(baseUrl: string, token: string, onStatus?: (status: number) => void): PlainCall {
  return async (method, path, body) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        // As parley sends them: contacts 2021-07-28 (src/highlevel/contacts-api.ts), conversations 2021-04-15.
        Version: path.startsWith('/contacts') ? '2021-07-28' : '2021-04-15',
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    onStatus?.(res.status);
    const text = await res.text();
    if (res.status >= 300)
      throw Object.assign(new Error(`${method} ${path} answered ${res.status}`), { status: res.status });
    return text ? JSON.parse(text) : null;
  };
}

/** The welcome flow's calls in sequence: upsert, search, create (when none), get, send. */
export async function plainWelcomeFlow(call: PlainCall, locationId: string, person: BenchAttendee): Promise<void> {
  const upserted = await call('POST', '/contacts/upsert', {
    locationId,
    email: person.email,
    phone: person.phone,
    firstName: person.firstName,
    lastName: person.lastName,
  });
  const contactId: string = upserted.contact.id;
  const q = new URLSearchParams({ locationId, contactId, limit: '1' });
  const found = await call('GET', `/conversations/search?${q}`);
  let conversationId: string | undefined = found.conversations[0]?.id;
  if (!conversationId) {
    const created = await call('POST', '/conversations/', { locationId, contactId });
    conversationId = created.conversation.id as string;
  }
  await call('GET', `/conversations/${conversationId}`);
  await call('POST', '/conversations/messages', {
    // The 2026-05-01 spec requires both (src/highlevel/spec/spec-defects.ts); parley's client fills them.
    type: 'SMS',
    subType: 'SMS',
    status: 'pending',
    contactId,
    conversationId,
    message: `Hi ${person.firstName}, thanks for registering for ${BENCH_EVENT.name}!`,
  });
}

/** Runs `flows` tasks with at most `concurrency` at once; returns how many resolved. */
export async function runPool(
  flows: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
  onError: (error: unknown) => void = () => {},
): Promise<number> {
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < flows) {
      const i = next++;
      try {
        await task(i);
        done++;
      } catch (error) {
        onError(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, flows) }, lane));
  return done;
}

/**
 * What the workflow tests share: a real HighLevel sandbox, a real client whose every attempt is
 * recorded (operationId, status) through the client's own afterAttempt hook, a fresh location per
 * test, definitions parsed from YAML text the way `parley workflows validate` parses files.
 */
import { createHighLevelClient, type HighLevelClient } from '../../src/highlevel/client.js';
import type { BeforeAttemptInfo } from '../../src/highlevel/client-types.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { createTemplateEngine } from '../../src/lib/template-engine.js';
import type { WorkflowDefinition } from '../../src/workflows/definition-schema.js';
import { parseWorkflowSource } from '../../src/workflows/load-workflows.js';
import type { SandboxHandle } from '../helpers/sandbox.js';

export const silentLogger = createLogger({ level: 'silent' });
export const engine = createTemplateEngine();

export function definitionFrom(yamlText: string): WorkflowDefinition {
  const parsed = parseWorkflowSource(yamlText, 'test.yaml', engine);
  if (parsed.issues.length > 0)
    throw new Error(parsed.issues.map((i) => `${i.line}:${i.col} ${i.path} ${i.message}`).join('\n'));
  const [first] = parsed.workflows;
  if (!first) throw new Error('no workflow in the YAML text');
  return first.definition;
}

export interface RecordingClient {
  client: HighLevelClient;
  /** operationIds of every attempt, in order. */
  calls: string[];
  /** Runs before each attempt (e.g. to switch sandbox faults on for one call). */
  before: { hook: ((info: BeforeAttemptInfo) => Promise<void> | void) | null };
}

export function recordingClient(handle: SandboxHandle, locationId: string): RecordingClient {
  const token = handle.sandbox.issueToken({ locationId }).accessToken;
  const calls: string[] = [];
  const before: RecordingClient['before'] = { hook: null };
  const client = createHighLevelClient({
    baseUrl: handle.url,
    auth: { getAccessToken: async () => token },
    maxRetries: 0,
    logger: silentLogger,
    beforeAttempt: async (info) => {
      await before.hook?.(info);
    },
    afterAttempt: (info) => {
      calls.push(info.operationId);
    },
  });
  return { client, calls, before };
}

export function newLocation(handle: SandboxHandle): string {
  return handle.sandbox.addLocation({ attendees: 1 }).location.id;
}

/** A random start per process, then one step per registrant: 7 digits, never the same twice in a process. */
const PHONE_BASE = Math.floor(Math.random() * 9_000_000);
let phoneCounter = 0;
/**
 * A registrant with a unique id and phone, so each test's run, contact and conversation are its own.
 * (A random number added to the counter could repeat an earlier registrant's: the same run key, whose
 * journal then belonged to another test's location.)
 */
export function attendee(overrides: Record<string, unknown> = {}) {
  phoneCounter += 1;
  const n = String(1_000_000 + ((PHONE_BASE + phoneCounter) % 9_000_000));
  return {
    id: `att-${n}`,
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: `ada.${n}@example.com`,
    phone: `+1555${n}`,
    ...overrides,
  };
}

export const WELCOME_YAML = `
name: registration-welcome
trigger: accelevents.registration
steps:
  - id: contact
    action: contacts.upsert
    with:
      email: "{{ attendee.email }}"
      phone: "{{ attendee.phone }}"
      firstName: "{{ attendee.firstName }}"
      lastName: "{{ attendee.lastName }}"
  - id: conversation
    action: conversations.find-or-create
    with:
      contactId: "{{ steps.contact.id }}"
  - id: welcome
    action: highlevel.send-a-new-message
    with:
      type: "{{ attendee | channel }}"
      contactId: "{{ steps.contact.id }}"
      conversationId: "{{ steps.conversation.id }}"
      message: "{{ templates.welcome }}"
templates:
  welcome: "Hi {{ attendee.firstName }}, welcome to {{ event.name }}! Your ticket id is {{ attendee.id }}."
`;

export const EVENT = { id: 'evt-1', name: 'DevConf 2026' };

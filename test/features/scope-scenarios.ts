/**
 * What each scope consumer does against the HighLevel sandbox, with a token holding a chosen scope
 * set, for the planned-scopes tests: the built-in workflows of a feature (each run as one an
 * interrupted earlier attempt left behind, so the send guard's reads run too), the inbound-message job
 * that delivers their inbound trigger, every console action, and the index sync. Each scenario returns
 * the failures it met, as text, instead of stopping at the first.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { type ComposedJobs, composeJobs } from '../../src/app/compose-jobs.js';
import { registerConsole } from '../../src/console/register-console.js';
import { loadEnabledWorkflows } from '../../src/features/enabled-workflows.js';
import type { FeatureName } from '../../src/features/feature-names.js';
import type { HighLevelAuth } from '../../src/highlevel/client-types.js';
import { storeHighLevelEvent } from '../../src/intake/highlevel/highlevel-events.js';
import { createLocationResolver } from '../../src/jobs/location-resolver.js';
import { runTriggered } from '../../src/jobs/run-triggered.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { createTemplateEngine } from '../../src/lib/template-engine.js';
import { createHighLevelAccess, type HighLevelAccess } from '../../src/ratelimit/highlevel-access.js';
import type { ConversationRecord } from '../../src/sandbox/highlevel/state/records.js';
import type { SandboxState } from '../../src/sandbox/highlevel/state/sandbox-state.js';
import { upsertContact } from '../../src/sandbox/highlevel/state/write-contact.js';
import type { SponsorConfig } from '../../src/search/sponsor-settings.js';
import { newSortableId } from '../../src/store/sortable-id.js';
import { getAction } from '../../src/workflows/actions/action-registry.js';
import type { WorkflowDefinition } from '../../src/workflows/definition-schema.js';
import { createRunJournal } from '../../src/workflows/run-journal.js';
import type { WorkflowEvent } from '../../src/workflows/run-workflow.js';
import type { TriggerName } from '../../src/workflows/triggers.js';
import type { ConsoleApp } from '../helpers/console-app.js';

const silent = createLogger({ level: 'silent' });
const EVENT_URL = 'scope-summit';
const EVENT = { key: EVENT_URL, url: EVENT_URL, id: '7', name: 'Scope Summit', timeZone: 'UTC' };
const SCOPE_SPONSOR: SponsorConfig = { name: 'Acme', keyword: 'ACME', key: 'acme', staff: ['staff@acme.example'] };

export interface ScopeWorld {
  harness: ConsoleApp;
  state: SandboxState;
  locationId: string;
  /** The scopes the next calls' token holds. */
  setScopes(scopes: readonly string[]): void;
  /** The console on the same database, calling HighLevel with the current scopes. */
  console: FastifyInstance;
  consoleUrl: string;
  /** Tokens with the current scopes, for any client the scenario makes. */
  auth: HighLevelAuth;
  access: HighLevelAccess;
  close(): Promise<void>;
}

/** The console harness's database, sandbox and users, with every HighLevel call made with the current scopes. */
export async function startScopeWorld(harness: ConsoleApp): Promise<ScopeWorld> {
  const { sandbox } = harness.sandbox;
  sandbox.setRateLimits({ burstLimit: 100_000, burstIntervalMs: 1_000, dailyLimit: 100_000_000 });
  let current: readonly string[] = [];
  const tokens = new Map<string, string>();
  const auth = {
    getAccessToken: async () => {
      const key = [...current].sort().join(' ');
      let token = tokens.get(key);
      if (token === undefined) {
        token = sandbox.issueToken({
          locationId: harness.locationId,
          scopes: [...current],
          ttlSeconds: 86_400,
        }).accessToken;
        tokens.set(key, token);
      }
      return token;
    },
  };
  const access = createHighLevelAccess({
    store: harness.database.store,
    auth,
    baseUrl: harness.sandbox.url,
    appId: sandbox.appId,
    logger: silent,
    client: { maxRetries: 0 },
  });
  const app = Fastify({ logger: false });
  await registerConsole(app, { ...harness.deps, highlevel: access });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const consoleUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    harness,
    state: sandbox.domain!.state,
    locationId: harness.locationId,
    setScopes: (scopes) => {
      current = scopes;
    },
    console: app,
    consoleUrl,
    auth,
    access,
    close: () => app.close(),
  };
}

/** Seeded conversations whose contact has a phone and an email, not deleted; `taken` ones are skipped. */
function freshConversations(world: ScopeWorld, taken: Set<string>): ConversationRecord[] {
  return [...world.state.conversations.inLocation(world.locationId)].filter((c) => {
    const contact = world.state.contacts.get(c.contactId);
    return !c.deleted && !taken.has(c.id) && Boolean(contact?.phone && contact.email);
  });
}

const usedConversations = new WeakMap<ScopeWorld, Set<string>>();

function takeConversation(world: ScopeWorld): ConversationRecord {
  const taken = usedConversations.get(world) ?? new Set<string>();
  usedConversations.set(world, taken);
  const [next] = freshConversations(world, taken);
  if (!next) throw new Error('the sandbox has no unused conversation left; seed more attendees');
  taken.add(next.id);
  return next;
}

/** The index forgets everything, so every console read goes to HighLevel as it does for a conversation it lacks. */
async function forgetIndex(world: ScopeWorld): Promise<void> {
  const db = world.harness.database.store.db;
  await db.deleteFrom('index_messages').execute();
  await db.deleteFrom('index_conversations').execute();
}

/** Every console action, through its HTTP route, as an admin; failures as `METHOD url: status body`. */
export async function consoleScenario(world: ScopeWorld, writes: boolean): Promise<string[]> {
  await forgetIndex(world);
  const failures: string[] = [];
  const auth = world.harness.auth('admin');
  const call = async (method: string, url: string, payload?: unknown): Promise<any> => {
    const res = await fetch(`${world.consoleUrl}${url}`, {
      method,
      headers: { ...auth, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
    });
    const text = await res.text();
    if (!res.ok) {
      failures.push(`${method} ${url}: ${res.status} ${text}`);
      return null;
    }
    return text.startsWith('{') ? JSON.parse(text) : text;
  };
  const conversation = takeConversation(world);
  const id = conversation.id;
  const callMessage = world.state.messages.inLocation(world.locationId).find((m) => m.messageType === 'TYPE_CALL');
  if (!callMessage) throw new Error('the sandbox location has no call message');

  await call('GET', `/api/conversations/${id}`);
  await call('GET', `/api/conversations/${id}/messages`);
  await call('GET', `/api/messages/${callMessage.id}/transcript`);
  await call('GET', `/api/messages/${callMessage.id}/recording`);
  if (!writes) return failures;

  await call('PATCH', `/api/conversations/${id}`, { starred: true });
  const sent = await call('POST', `/api/conversations/${id}/messages`, { type: 'SMS', message: 'Booth 12 at noon' });
  if (sent) {
    await call('PUT', `/api/messages/${sent.messageId}/status`, {
      status: 'failed',
      error: { code: '30003', type: 'saas', message: 'Unreachable handset' },
    });
  }
  const inAnHour = Math.floor(Date.now() / 1000) + 3600;
  const scheduled = await call('POST', `/api/conversations/${id}/messages`, {
    type: 'SMS',
    message: 'Doors open at 9',
    scheduledTimestamp: inAnHour,
  });
  if (scheduled) await call('DELETE', `/api/messages/${scheduled.messageId}/schedule`);
  const email = await call('POST', `/api/conversations/${id}/messages`, {
    type: 'Email',
    subject: 'Your badge',
    html: '<p>Bring your badge</p>',
    scheduledTimestamp: inAnHour,
  });
  if (email) await call('DELETE', `/api/emails/${email.emailMessageId}/schedule`);
  const emailToo = await call('POST', `/api/conversations/${id}/messages`, {
    type: 'Email',
    subject: 'Parking',
    html: '<p>Parking is free</p>',
    scheduledTimestamp: inAnHour,
  });
  if (emailToo) await call('DELETE', `/api/messages/${emailToo.messageId}/schedule`);
  await call('POST', `/api/conversations/${id}/inbound`, {
    type: 'Custom',
    conversationProviderId: 'provider-1',
    message: 'Is parking free?',
  });
  const form = new FormData();
  form.append('file', new Blob(['agenda text'], { type: 'text/plain' }), 'agenda.txt');
  const upload = await fetch(`${world.consoleUrl}/api/conversations/${id}/attachments`, {
    method: 'POST',
    headers: auth,
    body: form,
  });
  if (!upload.ok) failures.push(`POST attachments: ${upload.status} ${await upload.text()}`);
  else await upload.arrayBuffer();
  await call('DELETE', `/api/conversations/${takeConversation(world).id}`);
  return failures;
}

/** The index sync of the location, as the index.sync job runs it. */
export async function indexSyncScenario(world: ScopeWorld): Promise<string[]> {
  await forgetIndex(world);
  try {
    await world.harness.deps.index.syncLocation({
      client: world.access.client,
      locationId: world.locationId,
      since: null,
    });
    return [];
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}

/** The first step whose effect the send guard looks for before it runs again. */
function guardedStep(definition: WorkflowDefinition): string | null {
  const step = definition.steps.find((s) => {
    const action = getAction(s.action);
    return action?.unsafe === true && action.findPriorEffect !== undefined;
  });
  return step?.id ?? null;
}

/**
 * The runs `key` will start, left as a crash leaves them: the guarded send started, nothing journaled
 * after. The next delivery of the event then runs the guard (its reads) before it sends.
 */
async function interrupted(world: ScopeWorld, workflows: readonly WorkflowDefinition[], event: WorkflowEvent) {
  const journal = createRunJournal(world.harness.database.store.db);
  const at = Date.now() - 1_000;
  for (const definition of workflows) {
    const step = guardedStep(definition);
    if (step === null) continue;
    const { row } = await journal.findOrCreateRun({
      id: newSortableId(),
      workflow: definition.name,
      triggerKey: `${definition.name}:${event.key}`,
      input: { key: event.key, locationId: event.locationId, data: event.data },
      status: 'running',
      now: at,
      version: null,
    });
    await journal.startStep(row.id, step, at, undefined);
  }
}

function attendee(tag: string, withPhone: boolean) {
  return {
    id: `att-${tag}`,
    email: `${tag}@scopes.example.com`,
    firstName: 'Scope',
    lastName: tag,
    phone: withPhone ? `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}` : null,
    ticketType: 'General Admission',
  };
}

async function dead(world: ScopeWorld, since: number): Promise<string[]> {
  const rows = await world.harness.database.store.db
    .selectFrom('jobs')
    .select(['last_error', 'status'])
    .where('created_at', '>=', since)
    .execute();
  return rows.filter((r) => r.status === 'dead').map((r) => r.last_error ?? 'dead job without an error');
}

async function drained(pipeline: ComposedJobs, boundMs = 30_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const counts = await pipeline.queue.counts();
    if (counts.pending === 0 && counts.running === 0) return;
    if (Date.now() > deadline) throw new Error(`queue not drained: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * A feature's built-in workflows, each trigger once with fresh people: registration, check-in and
 * session end run directly, an inbound message through the `highlevel.event` job (which reads the
 * contact first), from the contact a check-in created when there is one.
 */
export async function featureScenario(world: ScopeWorld, feature: FeatureName): Promise<string[]> {
  const store = world.harness.database.store;
  // The sponsor channel runs only with a sponsor configured; the inbound message below names it. Its
  // plan also covers the deprecated relay to staff contacts, so one staff contact is configured too.
  const sponsors = feature === 'sponsor-channel' ? [SCOPE_SPONSOR] : undefined;
  // A staff contact with no conversation yet, so the relay creates one (conversations.write).
  const staff = sponsors
    ? upsertContact(
        world.state,
        { locationId: world.locationId, email: `staff-${randomUUID().slice(0, 8)}@acme.example`, firstName: 'Staff' },
        Date.now(),
        () => `staff${randomUUID().replace(/-/g, '').slice(0, 16)}`,
      ).contact.id
    : null;
  const relay = staff ? { sponsorStaffContactIds: [staff] } : {};
  const workflows = await loadEnabledWorkflows({ features: [feature], ...(sponsors ? { sponsors } : {}), ...relay });
  const triggers = new Set(workflows.map((w) => w.trigger));
  const pipeline = composeJobs({
    store,
    auth: world.auth,
    baseUrl: world.harness.sandbox.url,
    appId: world.harness.sandbox.sandbox.appId,
    workflows,
    ...(sponsors ? { sponsors } : {}),
    locations: createLocationResolver({ defaultLocationId: world.locationId }),
    logger: silent,
    pollMs: 20,
    backoff: { baseMs: 20, capMs: 100 },
    client: { maxRetries: 0 },
  });
  const deps = { db: store.db, highlevel: pipeline.client, workflows, logger: silent, engine: createTemplateEngine() };
  const failures: string[] = [];
  const since = Date.now();
  const tag = randomUUID().slice(0, 8);
  const run = async (trigger: TriggerName, event: WorkflowEvent) => {
    await interrupted(
      world,
      workflows.filter((w) => w.trigger === trigger),
      event,
    );
    try {
      const outcomes = await runTriggered(deps, trigger, event);
      for (const outcome of outcomes) {
        if (outcome.status !== 'completed') failures.push(`${outcome.workflow}: ${outcome.status}`);
      }
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
    }
  };
  const locationId = world.locationId;
  for (const trigger of ['accelevents.registration', 'accelevents.check_in'] as const) {
    if (!triggers.has(trigger)) continue;
    const person = attendee(`${trigger.split('.')[1]}-${tag}`, trigger === 'accelevents.check_in');
    await run(trigger, { key: `${trigger}:${tag}`, locationId, data: { attendee: person, event: EVENT } });
  }
  if (triggers.has('session.ended')) {
    const session = { id: 's-1', title: 'Scopes', format: 'WORKSHOP', startTime: '2026/03/01 10:00', endTime: null };
    const person = attendee(`session-${tag}`, false);
    await run('session.ended', {
      key: `session:${tag}`,
      locationId,
      data: { event: EVENT, session, attendee: person },
    });
  }
  if (triggers.has('highlevel.inbound_message')) {
    const link = await store.db
      .selectFrom('attendee_links')
      .select(['contact_id', 'conversation_id'])
      .where('attendee_id', '=', `att-check_in-${tag}`)
      .executeTakeFirst();
    const fallback = takeConversation(world);
    const contactId = link?.contact_id ?? fallback.contactId;
    const conversationId = link?.conversation_id ?? fallback.id;
    const messageId = `inbound-${tag}`;
    const event = { key: `message:${messageId}`, locationId, data: {} };
    await interrupted(
      world,
      workflows.filter((w) => w.trigger === 'highlevel.inbound_message'),
      event,
    );
    const body = {
      type: 'InboundMessage',
      locationId,
      webhookId: randomUUID(),
      timestamp: new Date().toISOString(),
      contactId,
      conversationId,
      messageId,
      messageType: 'SMS',
      body: sponsors ? 'Is the ACME booth open?' : '2',
      direction: 'inbound',
    };
    await storeHighLevelEvent(
      { db: store.db, queue: pipeline.queue, now: Date.now, logger: silent },
      { rawBody: Buffer.from(JSON.stringify(body)), headers: { 'content-type': 'application/json' }, event: body },
    );
    pipeline.start();
    try {
      await drained(pipeline);
    } finally {
      await pipeline.stop({ graceMs: 1_000 });
    }
    failures.push(...(await dead(world, since)));
  }
  return failures;
}

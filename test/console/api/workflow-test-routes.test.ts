/**
 * POST /api/workflows/:name/test on both databases, through app.inject on a real console whose config
 * runs every built-in: test runs go to the console's HighLevel sandbox in a location of their own
 * (src/app/workflow-test-runner.ts), their journal to the scratch store. Stored deliveries arrive through
 * the real Accelevents intake route on the same database (its queue has no worker, so nothing runs them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../src/console/auth/roles.js';
import { testedInSandbox } from '../../../src/console/studio/publish-checks.js';
import type { TestRunAnswer } from '../../../src/console/studio/test-run-answer.js';
import { createTemplateEngine } from '../../../src/lib/template-engine.js';
import { checkDefinition } from '../../../src/workflows/check-definition.js';
import { type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';
import { buildIntakeApp, type IntakeApp } from '../../intake/intake-app.js';

interface DraftStep {
  id: string;
  action: string;
  with: Record<string, string>;
}

/** A draft as the builder posts it: an SMS welcome at check-in, for General Admission tickets only. */
const draft = (overrides: Record<string, unknown> = {}) => ({
  name: 'checkin-welcome',
  trigger: 'accelevents.check_in',
  conditions: ['attendee.email != blank', "attendee.ticketType == 'General Admission'"],
  steps: [
    {
      id: 'contact',
      action: 'contacts.upsert',
      with: { email: '{{ attendee.email }}', phone: '{{ attendee.phone }}', firstName: '{{ attendee.firstName }}' },
    },
    {
      id: 'welcome',
      action: 'highlevel.send-a-new-message',
      with: { type: 'SMS', contactId: '{{ steps.contact.id }}', message: 'Welcome, {{ attendee.firstName }}!' },
    },
  ] as DraftStep[],
  ...overrides,
});

const CHECK_IN_BODY = JSON.stringify({
  topic: 'attendee.checked_in',
  eventUrl: 'harbor-summit',
  eventName: 'Harbor Summit',
  attendee: { barcode: 'HS-2041', email: 'rosa.diaz@example.net', firstName: 'Rosa', lastName: 'Diaz' },
});

describe.each(DATABASE_KINDS)('POST /api/workflows/:name/test [%s]', (kind) => {
  let harness: ConsoleApp;
  let intake: IntakeApp;

  const test = async (name: string, payload: Record<string, unknown>, role: Role = 'admin') =>
    harness.app.inject({
      method: 'POST',
      url: `/api/workflows/${name}/test`,
      headers: harness.auth(role),
      payload,
    });
  const answerOf = async (name: string, payload: Record<string, unknown>): Promise<TestRunAnswer> => {
    const response = await test(name, payload);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as TestRunAnswer;
  };

  beforeAll(async () => {
    harness = await startConsoleApp(kind, { attendees: 1, sync: false });
    intake = await buildIntakeApp(harness.database.store);
  });
  afterAll(async () => {
    await intake?.app.close();
    await harness?.close();
  });

  it('runs the built-in checkin-welcome from its email-only sample: the welcome’s input holds the rendered email, its output the sandbox’s message id', async () => {
    const answer = await answerOf('checkin-welcome', { sample: 'attendee-email-only' });
    expect(answer).toMatchObject({ target: 'sandbox', workflow: 'checkin-welcome', status: 'completed' });
    expect(answer.steps.map((s) => [s.id, s.status])).toEqual([
      ['contact', 'completed'],
      ['conversation', 'completed'],
      ['ask', 'completed'],
      ['welcome', 'completed'],
      ['links', 'completed'],
    ]);
    const welcome = answer.steps.find((s) => s.id === 'welcome');
    const input = welcome?.input as Record<string, string>;
    expect(input.type).toBe('Email');
    expect(input.message).toContain('Hi Jonas, welcome!');
    expect(input.subject).toBe("You're checked in at Parley Spring Summit 2026");
    const messageId = (welcome?.output as { messageId?: unknown } | undefined)?.messageId;
    expect(typeof messageId).toBe('string');
    // The sandbox holds that message, in the test runs' location rather than the one the console serves.
    const sent = harness.sandbox.sandbox.domain?.state.messages.get(messageId as string);
    expect(sent?.body).toContain('Hi Jonas, welcome!');
    expect(sent?.locationId).not.toBe(harness.locationId);
  });

  it('answers skipped with each condition’s result and runs no step when a draft’s condition is false', async () => {
    const answer = await answerOf('checkin-welcome', { sample: 'attendee-email-only', definition: draft() });
    expect(answer.status).toBe('skipped');
    expect(answer.conditions).toEqual([
      { text: 'attendee.email != blank', result: true },
      { text: "attendee.ticketType == 'General Admission'", result: false },
    ]);
    expect(answer.steps).toEqual([]);
    expect(answer.error).toBeUndefined();
  });

  it('answers 200 with the failed step’s error and the steps before it when a step’s input renders empty', async () => {
    const definition = draft({ conditions: [] });
    (definition.steps[1] as DraftStep).with.contactId = '{{ steps.contact.missing }}';
    const answer = await answerOf('checkin-welcome', { sample: 'attendee-with-phone', definition });
    expect(answer.status).toBe('failed');
    expect(answer.steps.map((s) => [s.id, s.status])).toEqual([
      ['contact', 'completed'],
      ['welcome', 'failed'],
    ]);
    const failed = answer.steps[1];
    expect(failed?.error?.code).toBe('invalid_step_input');
    expect(failed?.error?.message).toContain('contactId');
    expect(answer.error).toMatchObject({ code: 'invalid_step_input', step: 'welcome' });
  });

  it('answers 200 with HighLevel’s error on the first step when the sandbox fails every request', async () => {
    harness.sandbox.sandbox.setFaults({ errorRate: 1 });
    try {
      const answer = await answerOf('checkin-welcome', { sample: 'attendee-with-phone' });
      expect(answer.status).toBe('failed');
      expect(answer.steps).toHaveLength(1);
      expect(answer.steps[0]).toMatchObject({ id: 'contact', status: 'failed', error: { code: 'server_error' } });
      expect(answer.error).toMatchObject({ code: 'server_error', step: 'contact' });
    } finally {
      harness.sandbox.sandbox.setFaults({ errorRate: 0 });
    }
  });

  it('refuses live: true without confirm, or with another name, naming confirm and the name it expects', async () => {
    for (const payload of [
      { sample: 'attendee-email-only', live: true },
      { sample: 'attendee-email-only', live: true, confirm: 'registration-welcome' },
    ]) {
      const response = await test('checkin-welcome', payload);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: 'invalid_request', field: 'confirm' });
      expect(response.json().message).toContain('"checkin-welcome"');
    }
  });

  it('runs live when confirm repeats the name: through the paced client, its calls audited under the admin', async () => {
    const admin = await harness.deps.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', harness.email('admin'))
      .executeTakeFirstOrThrow();
    const answer = await answerOf('checkin-welcome', {
      sample: 'attendee-with-phone',
      live: true,
      confirm: 'checkin-welcome',
    });
    expect(answer).toMatchObject({ target: 'live', status: 'completed' });
    const output = answer.steps.find((s) => s.id === 'welcome')?.output as { messageId: string } | undefined;
    expect(harness.sandbox.sandbox.domain?.state.messages.get(output?.messageId ?? '')?.locationId).toBe(
      harness.locationId,
    );
    const audited = await harness.deps.db
      .selectFrom('highlevel_calls')
      .select('operation_id')
      .where('actor', '=', `user:${admin.id}`)
      .execute();
    expect(audited.map((row) => row.operation_id)).toEqual(
      expect.arrayContaining(['upsert-contact', 'send-a-new-message']),
    );
  });

  it('writes nothing to the real store’s run history, links or asked questions', async () => {
    const { db } = harness.deps;
    const counts = async () => ({
      runs: (await db.selectFrom('workflow_runs').select('id').execute()).length,
      steps: (await db.selectFrom('run_steps').select('run_id').execute()).length,
      links: (await db.selectFrom('attendee_links').select('attendee_id').execute()).length,
      preferences: (await db.selectFrom('preferences').select('contact_id').execute()).length,
      settings: (await db.selectFrom('settings').select('key').where('key', 'like', 'preferences.%').execute()).length,
    });
    const before = await counts();
    await answerOf('checkin-welcome', { sample: 'attendee-with-phone' });
    await answerOf('checkin-welcome', { sample: 'attendee-email-only', live: true, confirm: 'checkin-welcome' });
    await answerOf('checkin-welcome', { sample: 'attendee-with-phone', definition: draft({ conditions: [] }) });
    expect(await counts()).toEqual(before);
    expect(before).toEqual({ runs: 0, steps: 0, links: 0, preferences: 0, settings: 0 });
  });

  it('runs a stored Accelevents delivery with its mapped attendee and the delivery’s id', async () => {
    const delivered = await intake.app.inject({
      method: 'POST',
      url: intake.path,
      headers: { 'content-type': 'application/json' },
      payload: CHECK_IN_BODY,
    });
    expect(delivered.statusCode, delivered.body).toBe(202);
    const deliveryId = delivered.json().deliveries[0].id as string;
    const answer = await answerOf('checkin-welcome', { deliveryId });
    expect(answer.status).toBe('completed');
    expect(answer.data).toMatchObject({
      attendee: { id: 'HS-2041', email: 'rosa.diaz@example.net', firstName: 'Rosa' },
      event: { key: 'harbor-summit', name: 'Harbor Summit' },
      delivery: { id: deliveryId },
    });
    const welcome = answer.steps.find((s) => s.id === 'welcome')?.input as Record<string, string>;
    expect(welcome.message).toContain('Hi Rosa, welcome!');
    expect(welcome.message).toContain('at Harbor Summit');
    const links = answer.steps.find((s) => s.id === 'links')?.input as Record<string, string>;
    expect(links.eventKey).toBe('check-in:harbor-summit');
  });

  it('refuses a delivery whose topic does not fire the workflow’s trigger, naming deliveryId', async () => {
    const delivered = await intake.app.inject({
      method: 'POST',
      url: intake.path,
      headers: { 'content-type': 'application/json' },
      payload: CHECK_IN_BODY.replace('attendee.checked_in', 'attendee.registered').replace('HS-2041', 'HS-2042'),
    });
    const deliveryId = delivered.json().deliveries[0].id as string;
    const response = await test('checkin-welcome', { deliveryId });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_request', field: 'deliveryId' });
    expect(response.json().message).toContain('accelevents.check_in');
  });

  it('answers 400 with every issue of an invalid draft, each with its key path', async () => {
    const definition = draft({ trigger: 'accelevents.badge_printed' });
    (definition.steps[0] as DraftStep).action = 'contacts.upsertt';
    const response = await test('checkin-welcome', { sample: 'attendee-email-only', definition });
    expect(response.statusCode).toBe(400);
    const body = response.json() as { error: string; issues: { path: string; message: string }[] };
    expect(body.error).toBe('invalid_request');
    expect(body.issues.map((i) => i.path)).toContain('definition.trigger');
    expect(body.issues.every((i) => i.message.length > 0)).toBe(true);
  });

  it('records a draft that completed in the sandbox as tested for publishing, and not one that failed', async () => {
    const { db } = harness.deps;
    const passing = draft({ conditions: [], description: 'passes' });
    const failing = draft({ conditions: [], description: 'fails' });
    (failing.steps[1] as DraftStep).with.contactId = '{{ steps.contact.missing }}';
    expect((await answerOf('checkin-welcome', { sample: 'attendee-with-phone', definition: passing })).status).toBe(
      'completed',
    );
    expect((await answerOf('checkin-welcome', { sample: 'attendee-with-phone', definition: failing })).status).toBe(
      'failed',
    );
    // As the studio checks a publish: the definition as checked from the posted JSON.
    const asPublished = (value: unknown) => {
      const checked = checkDefinition(value, createTemplateEngine());
      if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
      return checked.definition;
    };
    expect(await testedInSandbox(db, asPublished(passing), Date.now())).toBe(true);
    expect(await testedInSandbox(db, asPublished(failing), Date.now())).toBe(false);
  });

  it('refuses a draft named for another workflow, naming definition.name', async () => {
    const response = await test('checkin-welcome', {
      sample: 'attendee-email-only',
      definition: draft({ name: 'vip-checkin' }),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ field: 'definition.name' });
  });

  it('answers 404 for a workflow that does not run here and no draft', async () => {
    const response = await test('no-such-workflow', { sample: 'attendee-email-only' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toBe('not_found');
  });

  it('refuses an unknown sample, listing the trigger’s samples', async () => {
    const response = await test('checkin-welcome', { sample: 'attendee-with-fax' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_request', field: 'sample' });
    expect(response.json().message).toContain('attendee-email-only');
  });

  it('refuses a body that names no event source, or two', async () => {
    for (const payload of [{}, { sample: 'attendee-email-only', data: { attendee: {} } }]) {
      const response = await test('checkin-welcome', payload);
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toContain('exactly one of sample, data or deliveryId');
    }
  });

  it('runs from a payload given as data', async () => {
    const answer = await answerOf('checkin-welcome', {
      data: { attendee: { id: 'a-1', email: 'lee@example.com', firstName: 'Lee' }, event: { key: 'expo' } },
    });
    expect(answer.status).toBe('completed');
    const welcome = answer.steps.find((s) => s.id === 'welcome')?.input as Record<string, string>;
    expect(welcome.message).toContain('Hi Lee, welcome!');
  });

  it('answers 403 to every role but admin', async () => {
    for (const role of ['viewer', 'agent', 'sponsor'] as const) {
      const response = await test('checkin-welcome', { sample: 'attendee-email-only' }, role);
      expect(response.statusCode).toBe(403);
    }
  });
});

/**
 * What the built-in welcomes say, sent through the real client to the HighLevel sandbox: the SMS names
 * the event, fits one segment and carries no subject; the Email carries the templated subject; both
 * read well without an event name. Every request the runs make is recorded on its way to the client.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadEnabledWorkflows } from '../../src/features/enabled-workflows.js';
import type { CallInput, HighLevelCaller } from '../../src/highlevel/client-types.js';
import type { WorkflowDefinition } from '../../src/workflows/definition-schema.js';
import { runWorkflow } from '../../src/workflows/run-workflow.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { attendee, newLocation, recordingClient, silentLogger } from '../workflows/workflow-fixture.js';

/** One GSM-7 SMS segment. */
const SMS_SEGMENT = 160;

let handle: SandboxHandle;
let builtins: Map<string, WorkflowDefinition>;
beforeAll(async () => {
  handle = await withSandbox({ attendees: 1 });
  const loaded = await loadEnabledWorkflows({ features: ['registration-welcome', 'checkin-welcome'] });
  builtins = new Map(loaded.map((definition) => [definition.name, definition]));
});
afterAll(async () => {
  await handle.close();
});

describeEachDatabase('built-in welcome content', (getStore) => {
  async function send(workflow: string, person: Record<string, unknown>, eventName: string | null) {
    const locationId = newLocation(handle);
    const { client } = recordingClient(handle, locationId);
    const sends: Record<string, unknown>[] = [];
    const highlevel: HighLevelCaller = {
      call: (operationId: string, input: CallInput) => {
        if (operationId === 'send-a-new-message') sends.push(input.body as Record<string, unknown>);
        return client.call(operationId, input);
      },
    } as HighLevelCaller;
    const definition = builtins.get(workflow);
    if (!definition) throw new Error(`${workflow} is not a built-in`);
    const outcome = await runWorkflow({
      definition,
      event: {
        key: `${workflow}:devconf-2026:${String(person.id)}`,
        locationId,
        data: { attendee: person, event: { key: 'devconf-2026', url: 'devconf-2026', id: '42', name: eventName } },
      },
      deps: { db: getStore().db, highlevel, logger: silentLogger },
    });
    expect(outcome.status).toBe('completed');
    const conversationId = (outcome.outputs.conversation as { id: string }).id;
    const [message] = handle.sandbox.domain!.state.messages.thread(conversationId);
    if (!message) throw new Error('no message reached the sandbox');
    expect(sends).toHaveLength(1);
    return { message, sent: sends[0]! };
  }

  it('sends the registration SMS naming the event, in one segment, with no subject', async () => {
    const { message, sent } = await send(
      'registration-welcome',
      attendee({ firstName: 'Ada', ticketType: 'General Admission' }),
      'DevConf 2026',
    );
    expect(message.messageType).toBe('TYPE_SMS');
    expect(message.body).toBe(
      'Hi Ada, thanks for registering for DevConf 2026! Ticket: General Admission. Questions? Just reply to this text.',
    );
    expect(message.body.length).toBeLessThanOrEqual(SMS_SEGMENT);
    expect(sent).not.toHaveProperty('subject');
  });

  it('sends the registration Email with the templated subject naming the event', async () => {
    const { message, sent } = await send(
      'registration-welcome',
      attendee({ firstName: 'Ada', phone: null }),
      'DevConf 2026',
    );
    expect(message.messageType).toBe('TYPE_EMAIL');
    expect(sent.subject).toBe('Welcome to DevConf 2026');
    expect(message.email?.subject).toBe('Welcome to DevConf 2026');
    expect(message.body).toMatch(/^Hi Ada, thanks for registering for DevConf 2026!\n/);
    expect(message.body).toContain('just reply to this email');
  });

  it('leaves the "for" clause out of the registration SMS without an event name', async () => {
    const sms = await send('registration-welcome', attendee({ firstName: 'Ada', ticketType: null }), null);
    expect(sms.message.body).toBe('Hi Ada, thanks for registering! Questions? Just reply to this text.');
  });

  it('gives the registration Email a neutral subject without an event name', async () => {
    const email = await send('registration-welcome', attendee({ firstName: null, phone: null }), null);
    expect(email.sent.subject).toBe('Your registration is confirmed');
    expect(email.message.body).toMatch(/^Hi there, thanks for registering!\n/);
  });

  it('sends the check-in question by SMS in one segment', async () => {
    const sms = await send('checkin-welcome', attendee({ firstName: 'Grace' }), 'DevConf 2026');
    expect(sms.message.body).toBe(
      "Welcome, Grace! You're checked in at DevConf 2026. Reply 1 for keynote updates, 2 for workshop reminders, 3 for networking news.",
    );
    expect(sms.message.body.length).toBeLessThanOrEqual(SMS_SEGMENT);
    expect(sms.sent).not.toHaveProperty('subject');
  });

  it('sends the check-in question by Email with its subject', async () => {
    const email = await send('checkin-welcome', attendee({ firstName: 'Grace', phone: null }), 'DevConf 2026');
    expect(email.message.email?.subject).toBe("You're checked in at DevConf 2026");
    expect(email.message.body).toContain(
      "What would you like to hear about while you're here? Reply 1 for keynote updates, 2 for workshop reminders, 3 for networking news. Just the number is enough.",
    );
  });
});

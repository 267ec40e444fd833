/**
 * Step actions through runWorkflow against the sandbox: find-or-create when HighLevel says the
 * conversation already exists (the 400 described in docs/highlevel-api.md), search retries that
 * end in a retryable failure, `highlevel.<operationId>` steps for operations the built-in workflows
 * do not use, and the links and preferences the welcome and check-in flows keep.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runWorkflow } from '../../src/workflows/run-workflow.js';
import { isRetryable } from '../../src/workflows/workflow-error.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { attendee, definitionFrom, EVENT, newLocation, recordingClient, silentLogger } from './workflow-fixture.js';

let handle: SandboxHandle;
beforeAll(async () => {
  handle = await withSandbox({ attendees: 1 });
});
afterAll(async () => {
  await handle.close();
});

const FIND_OR_CREATE = definitionFrom(`
name: find-or-create
trigger: accelevents.registration
steps:
  - id: contact
    action: contacts.upsert
    with: { email: "{{ attendee.email }}", phone: "{{ attendee.phone }}" }
  - id: conversation
    action: conversations.find-or-create
    with: { contactId: "{{ steps.contact.id }}" }
`);

describeEachDatabase('workflow actions', (getStore) => {
  function setup() {
    const locationId = newLocation(handle);
    const recording = recordingClient(handle, locationId);
    const other = recordingClient(handle, locationId);
    const person = attendee();
    const sleeps: number[] = [];
    const deps = {
      db: getStore().db,
      highlevel: recording.client,
      logger: silentLogger,
      sleep: async (ms: number) => {
        sleeps.push(ms);
      },
    };
    const event = { key: `reg:${person.id}`, locationId, data: { attendee: person, event: EVENT } };
    return { locationId, recording, other, person, deps, event, sleeps };
  }

  it('finds the conversation through search when create answers "already exists"', async () => {
    const { locationId, recording, other, deps, event } = setup();
    let raced: string | null = null;
    // Another actor creates the contact's conversation between our search and our create.
    recording.before.hook = async ({ operationId }) => {
      if (operationId !== 'create-conversation' || raced !== null) return;
      const contact = handle.sandbox.domain!.state.contacts.findByEmail(locationId, event.data.attendee.email)!;
      const created = await other.client.call<{ conversation: { id: string } }>('create-conversation', {
        body: { locationId, contactId: contact.id },
      });
      raced = created.data.conversation.id;
    };
    const outcome = await runWorkflow({ definition: FIND_OR_CREATE, event, deps });
    expect(recording.calls).toEqual([
      'upsert-contact',
      'search-conversation',
      'create-conversation',
      'search-conversation',
    ]);
    expect(outcome.outputs.conversation).toEqual({
      id: raced,
      contactId: (outcome.outputs.contact as { id: string }).id,
      locationId,
      created: false,
    });
  });

  it('fails retryably when search keeps missing the conversation HighLevel says exists', async () => {
    const { locationId, recording, other, deps, event, sleeps } = setup();
    let createdId: string | null = null;
    recording.before.hook = async ({ operationId }) => {
      const contact = handle.sandbox.domain!.state.contacts.findByEmail(locationId, event.data.attendee.email);
      if (!contact) return;
      if (operationId === 'create-conversation' && createdId === null) {
        const created = await other.client.call<{ conversation: { id: string } }>('create-conversation', {
          body: { locationId, contactId: contact.id },
        });
        createdId = created.data.conversation.id;
      } else if (operationId === 'search-conversation' && createdId !== null) {
        // The live search lags a fresh conversation (docs/highlevel-api.md): hide it from every search after the 400.
        const conversation = handle.sandbox.domain!.state.conversations.get(createdId);
        if (conversation) handle.sandbox.domain!.state.conversations.remove(conversation);
      }
    };
    const error = await runWorkflow({ definition: FIND_OR_CREATE, event, deps }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'step_failed', stepId: 'conversation', retryable: true });
    expect(isRetryable(error)).toBe(true);
    expect((error as Error).message).toContain('does not list it yet');
    expect(sleeps).toEqual([250, 500, 1000, 2000]);
    expect(recording.calls.filter((id) => id === 'search-conversation')).toHaveLength(5);
  });

  it('runs highlevel.<operationId> steps for operations beyond the mission list, locationId from the event', async () => {
    const { locationId, recording, deps, event } = setup();
    const definition = definitionFrom(`
name: subtypes
trigger: accelevents.ticket_purchase
steps:
  - id: subtype
    action: highlevel.create-custom-subtype
    with: { name: "{{ event.name }} news", channel: email, language: en }
  - id: rename
    action: highlevel.update-custom-subtype
    with:
      id: "{{ steps.subtype.customSubtype.id }}"
      name: "{{ steps.subtype.customSubtype.name }} (renamed)"
  - id: all
    action: highlevel.get-all-custom-subtypes
  - id: export
    action: highlevel.export-messages-by-location
    with: { limit: 10 }
`);
    const outcome = await runWorkflow({ definition, event, deps });
    expect(recording.calls).toEqual([
      'create-custom-subtype',
      'update-custom-subtype',
      'get-all-custom-subtypes',
      'export-messages-by-location',
    ]);
    const all = outcome.outputs.all as { customSubtypes: { name: string; locationId: string }[] };
    expect(all.customSubtypes).toEqual([expect.objectContaining({ name: 'DevConf 2026 news (renamed)', locationId })]);
    expect(outcome.outputs.export).toMatchObject({ messages: expect.any(Array) });
  });

  it('recovers an inbound message logged before a crash without sending it twice', async () => {
    const { recording, deps, event } = setup();
    const definition = definitionFrom(`
name: relay
trigger: highlevel.inbound_message
steps:
  - id: contact
    action: contacts.upsert
    with: { email: "{{ attendee.email }}", phone: "{{ attendee.phone }}" }
  - id: conversation
    action: conversations.find-or-create
    with: { contactId: "{{ steps.contact.id }}" }
  - id: relay
    action: highlevel.add-an-inbound-message
    with:
      type: SMS
      conversationId: "{{ steps.conversation.id }}"
      contactId: "{{ steps.contact.id }}"
      conversationProviderId: sandbox-provider
      message: "Sponsor booth 12 says hi to {{ attendee.firstName }}"
`);
    const first = await runWorkflow({ definition, event, deps });
    const conversationId = (first.outputs.conversation as { id: string }).id;
    const db = getStore().db;
    await db
      .updateTable('run_steps')
      .set({ status: 'started', output: null })
      .where('run_id', '=', first.runId)
      .where('step', '=', 'relay')
      .execute();
    await db.updateTable('workflow_runs').set({ status: 'running' }).where('id', '=', first.runId).execute();
    recording.calls.length = 0;
    const second = await runWorkflow({ definition, event, deps });
    expect(second.steps.map((s) => s.outcome)).toEqual(['replayed', 'replayed', 'recovered']);
    expect(recording.calls).toEqual(['get-messages']);
    const thread = handle.sandbox.domain!.state.messages.thread(conversationId);
    expect(thread.filter((m) => m.body === 'Sponsor booth 12 says hi to Ada')).toHaveLength(1);
  });

  /** A workflow saving the attendee's links and a preference, run for two events of one attendee. */
  async function linksSavedTwice() {
    const { locationId, deps, event, person } = setup();
    const definition = definitionFrom(`
name: links
trigger: accelevents.check_in
steps:
  - id: link
    action: links.save
    with: { eventKey: "{{ event.id }}", attendeeId: "{{ attendee.id }}", contactId: c-1, conversationId: conv-1 }
  - id: message
    action: links.save
    with: { eventKey: "{{ event.id }}", attendeeId: "{{ attendee.id }}", welcomeMessageId: m-1 }
  - id: pref
    action: preferences.save
    with: { contactId: c-1, key: track, value: "  frontend " }
`);
    await runWorkflow({ definition, event, deps });
    await runWorkflow({ definition, event: { ...event, key: `${event.key}:again` }, deps });
    return { locationId, person };
  }

  it('keeps attendee ↔ contact ↔ conversation ↔ message ids in one link, updating rather than duplicating', async () => {
    const { locationId, person } = await linksSavedTwice();
    const links = await getStore()
      .db.selectFrom('attendee_links')
      .selectAll()
      .where('attendee_id', '=', person.id)
      .execute();
    expect(links).toEqual([
      expect.objectContaining({
        event_key: EVENT.id,
        location_id: locationId,
        contact_id: 'c-1',
        conversation_id: 'conv-1',
        welcome_message_id: 'm-1',
      }),
    ]);
  });

  it('keeps one trimmed value of a preference, updating rather than duplicating', async () => {
    const { locationId } = await linksSavedTwice();
    const prefs = await getStore()
      .db.selectFrom('preferences')
      .selectAll()
      .where('location_id', '=', locationId)
      .execute();
    expect(prefs).toEqual([expect.objectContaining({ contact_id: 'c-1', key: 'track', value: 'frontend' })]);
  });
});

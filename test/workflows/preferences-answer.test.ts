/**
 * The built-in check-in reply workflow run directly (runWorkflow) against the HighLevel sandbox on both
 * databases, for what the end-to-end test does not reach: a run retried after it stored the answer but
 * lost the answer step's journal row still confirms (the question counts as answered only by messages
 * before the run started); a reply with no recorded question keeps its raw text and sends nothing; an
 * opt-out word gets no re-ask.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BUILTIN_WORKFLOWS_DIR } from '../../src/features/enabled-workflows.js';
import { recordAskedQuestion } from '../../src/preferences/asked-questions.js';
import type { Store } from '../../src/store/open-database.js';
import type { WorkflowDefinition } from '../../src/workflows/definition-schema.js';
import { runWorkflow } from '../../src/workflows/run-workflow.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { attendee, definitionFrom, newLocation, recordingClient, silentLogger } from './workflow-fixture.js';

let handle: SandboxHandle;
let reply: WorkflowDefinition;
let welcome: WorkflowDefinition;
beforeAll(async () => {
  handle = await withSandbox({ attendees: 1 });
  const read = (name: string) => readFile(join(BUILTIN_WORKFLOWS_DIR, name), 'utf8');
  reply = definitionFrom(await read('checkin-preference-reply.yaml'));
  welcome = definitionFrom(await read('checkin-welcome.yaml'));
});
afterAll(async () => {
  await handle?.close();
});

describeEachDatabase('check-in reply workflow', (getStore) => {
  /** A contact with a conversation in a fresh location, and the reply event for `text` from them. */
  async function setup(store: Store, text: string) {
    const locationId = newLocation(handle);
    const recording = recordingClient(handle, locationId);
    const person = attendee();
    const contact = await recording.client.call<{ contact: { id: string } }>('upsert-contact', {
      body: { locationId, email: person.email, phone: person.phone },
      locationId,
    });
    const contactId = contact.data.contact.id;
    const created = await recording.client.call<{ conversation: { id: string } }>('create-conversation', {
      body: { locationId, contactId },
      locationId,
    });
    const conversationId = created.data.conversation.id;
    const event = {
      key: `message:${person.id}`,
      locationId,
      data: {
        message: { id: person.id, body: text, messageType: 'SMS', contactId, conversationId, locationId },
        contact: { id: contactId, tags: [] },
        links: { checkIn: { eventKey: 'devconf-2026', attendeeId: person.id }, registered: false },
      },
    };
    const deps = { db: store.db, highlevel: recording.client, logger: silentLogger };
    const sent = () =>
      (handle.sandbox.domain?.state.messages.thread(conversationId) ?? [])
        .filter((m) => m.direction === 'outbound')
        .map((m) => m.body);
    const preferences = async () =>
      (
        await store.db
          .selectFrom('preferences')
          .select(['key', 'value'])
          .where('contact_id', '=', contactId)
          .orderBy('key')
          .execute()
      ).map((row) => [row.key, row.value]);
    return { recording, event, deps, sent, preferences };
  }

  it('still confirms when a retried run must store the answer again after losing the step’s journal row', async () => {
    const store = getStore();
    if (!welcome.question) throw new Error('the built-in welcome has no question');
    await recordAskedQuestion(store.db, welcome.question, Date.now());
    const { recording, event, deps, sent, preferences } = await setup(store, 'two please');
    recording.before.hook = ({ operationId }) => {
      if (operationId === 'send-a-new-message') throw new Error('the worker died before sending');
    };
    await expect(runWorkflow({ definition: reply, event, deps })).rejects.toThrow();
    expect(await preferences()).toEqual([
      ['updates', 'workshops'],
      ['updates.raw', 'two please'],
    ]);
    // As if the process died after storing the answer and before the answer step's row was committed.
    const run = await store.db
      .selectFrom('workflow_runs')
      .select('id')
      .where('trigger_key', '=', `${reply.name}:${event.key}`)
      .executeTakeFirstOrThrow();
    await store.db.deleteFrom('run_steps').where('run_id', '=', run.id).where('step', '=', 'answer').execute();

    recording.before.hook = null;
    const outcome = await runWorkflow({ definition: reply, event, deps });
    expect(outcome.steps.map((s) => [s.id, s.outcome])).toEqual([
      ['answer', 'executed'],
      ['reply', 'executed'],
    ]);
    expect(sent()).toEqual(["Thanks! You'll get workshop reminders."]);
  });

  /** The reply workflow with its key changed to one no question was asked under, run for the reply "2". */
  async function replyWithoutAQuestion() {
    const store = getStore();
    const noQuestion = definitionFrom(
      (await readFile(join(BUILTIN_WORKFLOWS_DIR, 'checkin-preference-reply.yaml'), 'utf8')).replace(
        'key: updates',
        'key: never-asked',
      ),
    );
    const { event, deps, sent, preferences } = await setup(store, '2');
    const outcome = await runWorkflow({ definition: noQuestion, event, deps });
    return { outcome, sent, preferences };
  }

  it('keeps only the raw text of a reply when no question was asked under the key', async () => {
    const { outcome, preferences } = await replyWithoutAQuestion();
    expect(outcome.outputs.answer).toMatchObject({ status: 'no_question', reply: '' });
    expect(await preferences()).toEqual([['never-asked.raw', '2']]);
  });

  it('sends nothing for a reply when no question was asked under the key', async () => {
    const { sent } = await replyWithoutAQuestion();
    expect(sent()).toEqual([]);
  });

  /** The asked question, then the reply workflow run for the reply "STOP". */
  async function optOutReply() {
    const store = getStore();
    if (!welcome.question) throw new Error('the built-in welcome has no question');
    await recordAskedQuestion(store.db, welcome.question, Date.now());
    const { event, deps, sent, preferences } = await setup(store, 'STOP');
    const outcome = await runWorkflow({ definition: reply, event, deps });
    return { outcome, sent, preferences };
  }

  it('sends no re-ask to an opt-out reply', async () => {
    const { outcome, sent } = await optOutReply();
    expect(outcome.outputs.answer).toMatchObject({ status: 'opt_out', matched: false, reply: '' });
    expect(outcome.steps.find((s) => s.id === 'reply')?.outcome).toBe('skipped');
    expect(sent()).toEqual([]);
  });

  it('keeps the raw text of an opt-out reply', async () => {
    const { preferences } = await optOutReply();
    expect(await preferences()).toEqual([['updates.raw', 'STOP']]);
  });
});

/**
 * The durable step runner against the real HighLevel sandbox, with a real client and a real store on
 * both databases: the welcome flow (contact → conversation → send) journals each step, a replay
 * after a failure skips finished steps, the send guard finds a message sent before a crash, and a
 * duplicate event finds its run instead of sending again.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runWorkflow } from '../../src/workflows/run-workflow.js';
import { WorkflowError } from '../../src/workflows/workflow-error.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import {
  attendee,
  definitionFrom,
  EVENT,
  newLocation,
  recordingClient,
  silentLogger,
  WELCOME_YAML,
} from './workflow-fixture.js';

let handle: SandboxHandle;
beforeAll(async () => {
  handle = await withSandbox({ attendees: 1 });
});
afterAll(async () => {
  await handle.close();
});

const welcome = definitionFrom(WELCOME_YAML);

function messagesIn(conversationId: string) {
  return handle.sandbox.domain!.state.messages.thread(conversationId);
}

describeEachDatabase('runWorkflow', (getStore) => {
  async function steps(runId: string) {
    return getStore()
      .db.selectFrom('run_steps')
      .select(['step', 'status', 'output'])
      .where('run_id', '=', runId)
      .orderBy('started_at')
      .execute();
  }

  function setup() {
    const locationId = newLocation(handle);
    const recording = recordingClient(handle, locationId);
    const person = attendee();
    const event = { key: `reg:${person.id}`, locationId, data: { attendee: person, event: EVENT } };
    const deps = { db: getStore().db, highlevel: recording.client, logger: silentLogger, lane: 'welcome' as const };
    return { locationId, recording, person, event, deps };
  }

  /** The built-in welcome run once for a new attendee. */
  async function welcomeRun() {
    const { recording, person, event, deps } = setup();
    const outcome = await runWorkflow({ definition: welcome, event, deps });
    const conversationId = (outcome.outputs.conversation as { id: string }).id;
    return { recording, person, event, outcome, sent: messagesIn(conversationId), conversationId };
  }

  it('runs the welcome flow end to end', async () => {
    const { recording, person, event, outcome, sent } = await welcomeRun();
    expect(outcome.status).toBe('completed');
    expect(outcome.steps.map((s) => [s.id, s.outcome])).toEqual([
      ['contact', 'executed'],
      ['conversation', 'executed'],
      ['welcome', 'executed'],
    ]);
    expect(recording.calls).toEqual([
      'upsert-contact',
      'search-conversation',
      'create-conversation',
      'send-a-new-message',
    ]);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toBe(`Hi Ada, welcome to DevConf 2026! Your ticket id is ${person.id}.`);
    expect(sent[0]!.messageType).toBe('TYPE_SMS');
    const run = await getStore()
      .db.selectFrom('workflow_runs')
      .selectAll()
      .where('id', '=', outcome.runId)
      .executeTakeFirstOrThrow();
    expect(run).toMatchObject({ status: 'completed', trigger_key: `registration-welcome:${event.key}`, error: null });
  });

  it('journals each step of a run with its output', async () => {
    const { outcome, sent, conversationId } = await welcomeRun();
    const journal = await steps(outcome.runId);
    expect(journal.map((s) => [s.step, s.status])).toEqual([
      ['contact', 'completed'],
      ['conversation', 'completed'],
      ['welcome', 'completed'],
    ]);
    expect(JSON.parse(journal[2]!.output!)).toMatchObject({ messageId: sent[0]!.id, conversationId });
  });

  it('journals the steps before the send goes out: every earlier one completed, the send started', async () => {
    const { recording, event, deps } = setup();
    let seenAtSend: { step: string; status: string }[] | null = null;
    recording.before.hook = async ({ operationId }) => {
      if (operationId !== 'send-a-new-message') return;
      const run = await getStore()
        .db.selectFrom('workflow_runs')
        .select('id')
        .where('trigger_key', '=', `registration-welcome:${event.key}`)
        .executeTakeFirstOrThrow();
      seenAtSend = (await steps(run.id))
        .map(({ step, status }) => ({ step, status }))
        .sort((a, b) => a.step.localeCompare(b.step));
    };
    const outcome = await runWorkflow({ definition: welcome, event, deps });
    expect(outcome.status).toBe('completed');
    expect(seenAtSend).toEqual([
      { step: 'contact', status: 'completed' },
      { step: 'conversation', status: 'completed' },
      { step: 'welcome', status: 'started' },
    ]);
  });

  it('leaves the run running, sending nothing, when another executor started the send first', async () => {
    const { recording, event, deps } = setup();
    // While this run is on its conversation, another executor of the same run reaches the send.
    recording.before.hook = async ({ operationId }) => {
      if (operationId !== 'create-conversation') return;
      const run = await getStore()
        .db.selectFrom('workflow_runs')
        .select(['id', 'started_at'])
        .where('trigger_key', '=', `registration-welcome:${event.key}`)
        .executeTakeFirstOrThrow();
      await getStore()
        .db.insertInto('run_steps')
        .values({
          run_id: run.id,
          step: 'welcome',
          status: 'started',
          output: null,
          started_at: Date.now(),
          finished_at: null,
          input: null,
        })
        .execute();
    };
    const failed = await runWorkflow({ definition: welcome, event, deps }).catch((error: unknown) => error);
    expect(failed).toMatchObject({ code: 'step_in_progress', retryable: true });
    expect(recording.calls).not.toContain('send-a-new-message');
    const run = await getStore()
      .db.selectFrom('workflow_runs')
      .select(['id', 'status'])
      .where('trigger_key', '=', `registration-welcome:${event.key}`)
      .executeTakeFirstOrThrow();
    expect(run.status).toBe('running');
    expect((await steps(run.id)).find((s) => s.step === 'welcome')?.status).toBe('started');
  });

  /** A welcome run whose send the sandbox answers with a 500, an ambiguous failure the client does not retry. */
  async function failedSend() {
    const { recording, event, deps } = setup();
    let failNext = true;
    // The sandbox answers 500 to the first send: an ambiguous failure the client does not retry.
    recording.before.hook = ({ operationId }) => {
      const fail = operationId === 'send-a-new-message' && failNext;
      if (fail) failNext = false;
      handle.sandbox.setFaults({ errorRate: fail ? 1 : 0 });
    };
    const failed = await runWorkflow({ definition: welcome, event, deps }).catch((error: unknown) => error);
    handle.sandbox.setFaults({ errorRate: 0 });
    return { recording, event, deps, failed };
  }

  it('records a failed send as a retryable failure of its run', async () => {
    const { event, failed } = await failedSend();
    expect(failed).toBeInstanceOf(WorkflowError);
    expect(failed).toMatchObject({ code: 'step_failed', stepId: 'welcome', retryable: true });
    const run = await getStore()
      .db.selectFrom('workflow_runs')
      .selectAll()
      .where('trigger_key', '=', `registration-welcome:${event.key}`)
      .executeTakeFirstOrThrow();
    expect(run.status).toBe('failed');
    expect((await steps(run.id)).map((s) => s.status)).toEqual(['completed', 'completed', 'failed']);
  });

  it('replays after a failed send without repeating the steps before it', async () => {
    const { recording, event, deps } = await failedSend();
    recording.calls.length = 0;
    const outcome = await runWorkflow({ definition: welcome, event, deps });
    expect(outcome.steps.map((s) => s.outcome)).toEqual(['replayed', 'replayed', 'executed']);
    // Only the guard's look (the failure was ambiguous) and the send itself reach HighLevel.
    expect(recording.calls).toEqual(['get-messages', 'send-a-new-message']);
    expect(messagesIn((outcome.outputs.conversation as { id: string }).id)).toHaveLength(1);
  });

  it('finds the message sent before a crash instead of sending a second one', async () => {
    const { recording, event, deps } = setup();
    const first = await runWorkflow({ definition: welcome, event, deps });
    const conversationId = (first.outputs.conversation as { id: string }).id;
    const [message] = messagesIn(conversationId);
    // The crash: HighLevel took the send, the process died before journaling it.
    const db = getStore().db;
    await db
      .updateTable('run_steps')
      .set({ status: 'started', output: null, finished_at: null })
      .where('run_id', '=', first.runId)
      .where('step', '=', 'welcome')
      .execute();
    await db
      .updateTable('workflow_runs')
      .set({ status: 'running', finished_at: null })
      .where('id', '=', first.runId)
      .execute();

    recording.calls.length = 0;
    const second = await runWorkflow({ definition: welcome, event, deps });
    expect(second.steps.map((s) => s.outcome)).toEqual(['replayed', 'replayed', 'recovered']);
    expect(recording.calls).toEqual(['get-messages']);
    expect(messagesIn(conversationId)).toHaveLength(1);
    expect(second.outputs.welcome).toMatchObject({ messageId: message!.id, recoveredByGuard: true });
    const journal = await steps(first.runId);
    expect(journal[2]).toMatchObject({ status: 'completed' });
  });

  it('sends when the guard finds no earlier message (the crash came before the send)', async () => {
    const { recording, event, deps } = setup();
    const first = await runWorkflow({ definition: welcome, event, deps });
    const conversationId = (first.outputs.conversation as { id: string }).id;
    // Rewind further: the message never went out (deleted), the journal says started.
    handle.sandbox.domain!.state.messages.removeConversation(conversationId, event.locationId);
    await getStore()
      .db.updateTable('run_steps')
      .set({ status: 'started', output: null })
      .where('run_id', '=', first.runId)
      .where('step', '=', 'welcome')
      .execute();
    await getStore().db.updateTable('workflow_runs').set({ status: 'running' }).where('id', '=', first.runId).execute();

    recording.calls.length = 0;
    const second = await runWorkflow({ definition: welcome, event, deps });
    expect(second.steps.map((s) => s.outcome)).toEqual(['replayed', 'replayed', 'executed']);
    expect(recording.calls).toEqual(['get-messages', 'send-a-new-message']);
    expect(messagesIn(conversationId)).toHaveLength(1);
  });

  /** A welcome run, then the same event again; the calls recorded are the second run's. */
  async function duplicateEvent() {
    const { recording, event, deps } = setup();
    const first = await runWorkflow({ definition: welcome, event, deps });
    recording.calls.length = 0;
    const again = await runWorkflow({ definition: welcome, event, deps });
    return { recording, first, again };
  }

  it('sends nothing for a duplicate event', async () => {
    const { recording, first } = await duplicateEvent();
    expect(recording.calls).toEqual([]);
    expect(messagesIn((first.outputs.conversation as { id: string }).id)).toHaveLength(1);
  });

  it('answers a duplicate event with the finished run', async () => {
    const { first, again } = await duplicateEvent();
    expect(again).toMatchObject({ runId: first.runId, status: 'completed', alreadyFinished: true });
    expect(again.outputs).toEqual(first.outputs);
    const runs = await getStore()
      .db.selectFrom('workflow_runs')
      .select('id')
      .where('trigger_key', '=', first.triggerKey)
      .execute();
    expect(runs).toHaveLength(1);
  });

  /** The welcome with a condition the event does not meet, run once. */
  async function runWithFalseCondition() {
    const { recording, event, deps } = setup();
    const definition = definitionFrom(
      `${WELCOME_YAML}\nconditions:\n  - attendee.email != blank\n  - event.name contains "2027"\n`,
    );
    return { recording, outcome: await runWorkflow({ definition, event, deps }) };
  }

  it('calls nothing when a condition is false', async () => {
    const { recording } = await runWithFalseCondition();
    expect(recording.calls).toEqual([]);
  });

  it('records the run as skipped when a condition is false', async () => {
    const { outcome } = await runWithFalseCondition();
    expect(outcome).toMatchObject({ status: 'skipped', steps: [], alreadyFinished: false });
    const run = await getStore()
      .db.selectFrom('workflow_runs')
      .selectAll()
      .where('id', '=', outcome.runId)
      .executeTakeFirstOrThrow();
    expect(run.status).toBe('skipped');
    expect(run.finished_at).not.toBeNull();
  });

  /** The welcome with an `if` its send step's attendee does not meet, run once. */
  async function runWithFalseIf() {
    const { recording, event, deps } = setup();
    const definition = definitionFrom(
      WELCOME_YAML.replace('  - id: welcome\n', '  - id: welcome\n    if: attendee.vip\n'),
    );
    return { recording, outcome: await runWorkflow({ definition, event, deps }) };
  }

  it('skips a step whose if is false', async () => {
    const { recording, outcome } = await runWithFalseIf();
    expect(outcome.steps.map((s) => [s.id, s.outcome])).toEqual([
      ['contact', 'executed'],
      ['conversation', 'executed'],
      ['welcome', 'skipped'],
    ]);
    expect(recording.calls).not.toContain('send-a-new-message');
  });

  it('journals a skipped step as completed with no output', async () => {
    const { outcome } = await runWithFalseIf();
    expect((await steps(outcome.runId))[2]).toMatchObject({ step: 'welcome', status: 'completed', output: null });
  });

  it('fails before the first step, calling nothing, when a required input that reads only the trigger renders empty', async () => {
    const { recording, event, deps } = setup();
    const definition = definitionFrom(
      WELCOME_YAML.replace(
        'contactId: "{{ steps.contact.id }}"\n  - id: welcome',
        'contactId: "{{ attendee.contactId }}"\n  - id: welcome',
      ),
    );
    const error = await runWorkflow({ definition, event, deps }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowError);
    expect(error).toMatchObject({ code: 'invalid_step_input', stepId: 'conversation', retryable: false });
    expect((error as Error).message).toBe(
      'step conversation: input contactId rendered empty; expected the HighLevel contact id (attendee.contactId)',
    );
    expect(recording.calls).toEqual([]);
    const run = await getStore()
      .db.selectFrom('workflow_runs')
      .select(['id', 'status', 'error'])
      .where('trigger_key', '=', `registration-welcome:${event.key}`)
      .executeTakeFirstOrThrow();
    expect(run.status).toBe('failed');
    expect(run.error).toContain('step conversation: input contactId rendered empty');
    expect(await steps(run.id)).toEqual([]);
  });

  it('fails before the first step when a send type renders a value HighLevel does not take', async () => {
    const { recording, event, deps } = setup();
    const definition = definitionFrom(WELCOME_YAML.replace('"{{ attendee | channel }}"', '"{{ attendee.preferred }}"'));
    const withChoice = { ...event, data: { ...event.data, attendee: { ...event.data.attendee, preferred: 'Text' } } };
    const error = await runWorkflow({ definition, event: withChoice, deps }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_step_input', stepId: 'welcome', retryable: false });
    expect((error as Error).message).toMatch(
      /^step welcome: input type rendered "Text"; expected one of SMS, RCS, Email, .* \(attendee\.preferred\)$/,
    );
    expect(recording.calls).toEqual([]);
  });

  it('checks an input that reads an earlier step when its step runs, after the steps before it', async () => {
    const { recording, event, deps } = setup();
    const definition = definitionFrom(
      WELCOME_YAML.replace(
        'contactId: "{{ steps.contact.id }}"\n  - id: welcome',
        'contactId: "{{ steps.contact.missing }}"\n  - id: welcome',
      ),
    );
    const error = await runWorkflow({ definition, event, deps }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_step_input', stepId: 'conversation', retryable: false });
    expect((error as Error).message).toBe(
      'step conversation: input contactId rendered empty; expected the HighLevel contact id (steps.contact.missing)',
    );
    expect(recording.calls).toEqual(['upsert-contact']);
    // The contact step's output was held for the next commit; recording the run's failure wrote it.
    const run = await getStore()
      .db.selectFrom('workflow_runs')
      .select(['id', 'status'])
      .where('trigger_key', '=', `registration-welcome:${event.key}`)
      .executeTakeFirstOrThrow();
    expect(run.status).toBe('failed');
    expect((await steps(run.id)).map((s) => [s.step, s.status])).toEqual([['contact', 'completed']]);
  });
});

/**
 * The journal's start of an unsafe step (src/workflows/run-journal.ts), on both databases: the held
 * rows of the steps before it and its `started` row become durable together, and a second executor
 * that reaches the same fresh step is told the step is taken and changes nothing of the first one's row.
 */
import { expect, it } from 'vitest';
import { createRunJournal } from '../../src/workflows/run-journal.js';
import { describeEachDatabase } from '../helpers/databases.js';

describeEachDatabase('run journal: starting an unsafe step', (getStore) => {
  const db = () => getStore().db;

  async function newRun(id: string) {
    const journal = createRunJournal(db());
    await journal.findOrCreateRun({
      id,
      workflow: 'wf',
      triggerKey: `wf:${id}`,
      input: {},
      status: 'running',
      now: 1_000,
      version: null,
    });
    return journal;
  }

  async function rows(runId: string) {
    const found = await db()
      .selectFrom('run_steps')
      .select(['step', 'status', 'output', 'started_at', 'input'])
      .where('run_id', '=', runId)
      .orderBy('step')
      .execute();
    return found.map((row) => ({ ...row, started_at: Number(row.started_at) }));
  }

  it('makes the held rows of the steps before it durable with its started row', async () => {
    const journal = await newRun('run-a');
    await journal.completeStep('run-a', 'contact', { id: 'c1' }, { startedAt: 1_001, now: 1_002 }, false, '{}');
    await journal.completeStep('run-a', 'conversation', { id: 'v1' }, { startedAt: 1_003, now: 1_004 }, false);
    expect(await rows('run-a')).toEqual([]);
    expect(await journal.startStep('run-a', 'welcome', 1_005, undefined, '{"message":"hi"}')).toBe(1_005);
    expect(await rows('run-a')).toEqual([
      { step: 'contact', status: 'completed', output: '{"id":"c1"}', started_at: 1_001, input: '{}' },
      { step: 'conversation', status: 'completed', output: '{"id":"v1"}', started_at: 1_003, input: null },
      { step: 'welcome', status: 'started', output: null, started_at: 1_005, input: '{"message":"hi"}' },
    ]);
  });

  it('tells a second executor on the same fresh step that it is taken, leaving the first one’s row', async () => {
    const first = await newRun('run-b');
    await first.startStep('run-b', 'welcome', 2_000, undefined, '{"by":"first"}');
    const second = createRunJournal(db());
    await second.completeStep('run-b', 'contact', { id: 'c2' }, { startedAt: 1_990, now: 1_995 }, false);
    await expect(second.startStep('run-b', 'welcome', 2_500, undefined, '{"by":"second"}')).rejects.toMatchObject({
      code: 'step_in_progress',
      retryable: true,
      stepId: 'welcome',
    });
    expect((await rows('run-b')).filter((row) => row.step === 'welcome')).toEqual([
      { step: 'welcome', status: 'started', output: null, started_at: 2_000, input: '{"by":"first"}' },
    ]);
  });

  it('tells a second executor the step is taken when it holds no other rows', async () => {
    const first = await newRun('run-c');
    await first.startStep('run-c', 'welcome', 3_000, undefined, null);
    await expect(createRunJournal(db()).startStep('run-c', 'welcome', 3_100, undefined, null)).rejects.toMatchObject({
      code: 'step_in_progress',
    });
    expect(await rows('run-c')).toEqual([
      { step: 'welcome', status: 'started', output: null, started_at: 3_000, input: null },
    ]);
  });
});

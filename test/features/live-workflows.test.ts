/**
 * The live workflow list over the database, both kinds: a saved workflow joins the list once the
 * revision changes, a console copy of a built-in replaces it (never both), a deletion brings the
 * built-in back, and between checks the list is served from memory (a clock decides, not a timer).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLiveWorkflows, type LiveWorkflows } from '../../src/features/live-workflows.js';
import type { WorkflowDefinition } from '../../src/workflows/definition-schema.js';
import { createWorkflowStore, type WorkflowStore } from '../../src/workflows/workflow-store.js';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../helpers/databases.js';

const TAGGER: WorkflowDefinition = {
  name: 'vip-tagger',
  trigger: 'accelevents.check_in',
  steps: [{ id: 'contact', action: 'contacts.upsert', with: { email: '{{ attendee.email }}' } }],
};

describe.each(DATABASE_KINDS)('live workflows [%s]', (kind) => {
  let database: TestDatabase;
  let store: WorkflowStore;
  let live: LiveWorkflows;
  let clock = 1_000_000;

  beforeEach(async () => {
    database = await openTestDatabase(kind);
    store = createWorkflowStore(database.store.db, () => clock);
    live = createLiveWorkflows({
      store,
      enabled: { features: ['registration-welcome'] },
      checkMs: 1_000,
      now: () => clock,
    });
  });
  afterEach(async () => database?.dispose());

  const names = async () => (await live.current()).map((w) => `${w.name}@${w.version ?? 'file'}`);

  it('adds a saved workflow once the check interval has passed', async () => {
    expect(await names()).toEqual(['registration-welcome@file']);
    await store.save({ definition: TAGGER, author: 'a@b.c', note: 'created', mode: 'create' });
    expect(await names()).toEqual(['registration-welcome@file']);
    clock += 1_000;
    expect(await names()).toEqual(['registration-welcome@file', 'vip-tagger@1']);
  });

  it('re-reads at once after invalidate', async () => {
    await live.current();
    await store.save({ definition: TAGGER, author: 'a@b.c', note: 'created', mode: 'create' });
    live.invalidate();
    expect(await names()).toContain('vip-tagger@1');
  });

  it('runs a console copy of a built-in instead of the built-in', async () => {
    const builtin = (await live.current())[0] as WorkflowDefinition;
    await store.save({
      definition: { ...builtin, description: 'copy' },
      author: 'a@b.c',
      note: 'created',
      mode: 'create',
      basedOn: builtin.name,
    });
    live.invalidate();
    expect(await names()).toEqual(['registration-welcome@1']);
    const [entry] = await live.entries();
    expect(entry).toMatchObject({ source: 'console', replacesBuiltIn: true, version: 1 });
  });

  it('brings the built-in back when its copy is deleted', async () => {
    const builtin = (await live.current())[0] as WorkflowDefinition;
    await store.save({ definition: builtin, author: 'a@b.c', note: 'created', mode: 'create', basedOn: builtin.name });
    await store.remove(builtin.name, 'a@b.c');
    live.invalidate();
    expect(await names()).toEqual(['registration-welcome@file']);
  });

  it('numbers a re-created workflow after its deletion', async () => {
    await store.save({ definition: TAGGER, author: 'a@b.c', note: 'created', mode: 'create' });
    await store.remove(TAGGER.name, 'a@b.c');
    const again = await store.save({ definition: TAGGER, author: 'a@b.c', note: 'created', mode: 'create' });
    expect(again.version).toBe(3);
    expect((await store.versions(TAGGER.name)).map((v) => v.note)).toEqual(['created', 'deleted', 'created']);
  });

  it('refuses an update of a workflow that was never saved', async () => {
    await expect(
      store.save({ definition: TAGGER, author: 'a@b.c', note: 'edited', mode: 'update' }),
    ).rejects.toMatchObject({ code: 'workflow_not_found' });
  });
});

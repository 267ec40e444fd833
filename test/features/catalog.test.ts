/**
 * What the workflow studio reads from buildCatalog() (src/features/catalog.ts): each trigger with its
 * samples, each action with a title, the JSON Schema of its inputs and the keys of its output.
 */
import { describe, expect, it } from 'vitest';
import { actionInputSchema } from '../../src/features/action-input-schemas.js';
import { buildCatalog } from '../../src/features/catalog.js';
import { getAction } from '../../src/workflows/actions/action-registry.js';
import { TRIGGER_SAMPLES } from '../../src/workflows/trigger-samples.js';
import { STAND_IN_OUTPUTS } from '../workflows/builtin-renders.js';

describe('the catalog for the workflow studio', () => {
  it('gives every trigger its samples', () => {
    for (const trigger of buildCatalog().triggers) {
      expect(trigger.samples, trigger.name).toEqual(TRIGGER_SAMPLES[trigger.name as keyof typeof TRIGGER_SAMPLES]);
    }
  });

  it('hands out copies, so a caller that edits a sample changes no other catalog', () => {
    const first = buildCatalog();
    const sample = first.triggers[0]?.samples[0];
    if (!sample) throw new Error('no sample');
    (sample.data.attendee as Record<string, unknown>).email = 'changed@example.com';
    expect(buildCatalog().triggers[0]?.samples[0]?.data).toEqual(TRIGGER_SAMPLES['accelevents.registration'][0]?.data);
  });

  it('titles every action in a few words, HighLevel’s from the operation summary', () => {
    const actions = new Map(buildCatalog().actions.map((action) => [action.name, action]));
    for (const action of actions.values()) {
      expect(action.title, action.name).toMatch(/^[A-Z]\S*( \S+)*[^.]$/);
      expect(action.title.length, action.name).toBeLessThanOrEqual(60);
    }
    expect(actions.get('highlevel.send-a-new-message')?.title).toBe('Send a new message');
    expect(actions.get('highlevel.cancel-scheduled-message')?.title).toBe('Cancel a scheduled message');
    expect(actions.get('contacts.upsert')?.title).toBe('Create or update contact');
  });

  it('gives every action the JSON Schema of its inputs', () => {
    for (const action of buildCatalog().actions) {
      const spec = getAction(action.name);
      if (!spec) throw new Error(`no action ${action.name}`);
      expect(action.inputSchema, action.name).toEqual(actionInputSchema(spec));
    }
  });

  it('lists as outputs every key a later step of a built-in reads from the action', () => {
    const actions = new Map(buildCatalog().actions.map((action) => [action.name, action]));
    for (const [name, output] of Object.entries(STAND_IN_OUTPUTS)) {
      expect(actions.get(name)?.outputs, name).toEqual(expect.arrayContaining(Object.keys(output)));
    }
    expect(actions.get('highlevel.send-a-new-message')?.outputs).toEqual(
      expect.arrayContaining(['messageId', 'conversationId']),
    );
  });
});

/**
 * The built-in workflows rendered the way a run renders them (src/workflows/run-workflow.ts and
 * run-step.ts: the event's data, `location`, `question`, `steps`, `run`, and the workflow's templates)
 * against a trigger sample. Every step is rendered, also those behind an `option` that is off by
 * default, and the sponsor relay as it loads: one copy per staff contact (perStaffContact).
 *
 * No step runs here, so a later step reads stand-ins for earlier steps' outputs, shaped like the output
 * each action documents (its description in src/workflows/actions/, HighLevel's response for
 * `highlevel.*`).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { BUILTIN_WORKFLOWS_DIR, perStaffContact, SPONSOR_RELAY } from '../../src/features/enabled-workflows.js';
import type { TemplateEngine, TemplateScope } from '../../src/lib/template-engine.js';
import { questionScope } from '../../src/preferences/question.js';
import { type WorkflowDefinition, WorkflowSchema } from '../../src/workflows/definition-schema.js';
import type { TriggerSample } from '../../src/workflows/trigger-samples.js';

const LOCATION_ID = 'sampleLocation0000001';
const CONTACT_ID = 'k3Xq9PzR2mVbT7nL4wYc';
const CONVERSATION_ID = 'c4Lm8Qw2Er6Ty0Ui3Opa';

/** What each action's step returns (the part later steps read), by action name. */
export const STAND_IN_OUTPUTS: Readonly<Record<string, Record<string, unknown>>> = {
  'contacts.upsert': { id: CONTACT_ID, new: true },
  'contacts.add-tags': { contactId: CONTACT_ID, tags: ['workshops'] },
  'conversations.find-or-create': {
    id: CONVERSATION_ID,
    contactId: CONTACT_ID,
    locationId: LOCATION_ID,
    created: true,
  },
  // HighLevel's conversation `type`: 1 is a phone conversation (workflows/builtin/sponsor-relay.yaml).
  'highlevel.get-conversation': { id: CONVERSATION_ID, contactId: CONTACT_ID, locationId: LOCATION_ID, type: 1 },
  'highlevel.send-a-new-message': { conversationId: CONVERSATION_ID, messageId: 'w1Qa2Ws3Ed4Rf5Tg6Yh7' },
  'links.save': { eventKey: 'parley-spring-summit', attendeeId: 'a', locationId: LOCATION_ID },
  'preferences.ask': { key: 'updates', numbers: '1, 2 or 3' },
  'preferences.answer': {
    key: 'updates',
    status: 'matched',
    matched: true,
    value: 'workshops',
    number: 2,
    label: 'workshop reminders',
    reply: "Thanks! You'll get workshop reminders.",
  },
};

/** A staff contact id for the sponsor relay's per-staff copy. */
export const STAFF_CONTACT_ID = 'St4fFc0nT4cT1dXyZ987';

/** Every built-in workflow with all of its steps (options not applied); the relay once per staff contact. */
export async function builtinDefinitions(): Promise<WorkflowDefinition[]> {
  const files = (await readdir(BUILTIN_WORKFLOWS_DIR)).filter((name) => name.endsWith('.yaml')).sort();
  const definitions: WorkflowDefinition[] = [];
  for (const file of files) {
    const definition = WorkflowSchema.parse(parse(await readFile(join(BUILTIN_WORKFLOWS_DIR, file), 'utf8')));
    definitions.push(
      ...(definition.name === SPONSOR_RELAY ? perStaffContact(definition, [STAFF_CONTACT_ID]) : [definition]),
    );
  }
  return definitions;
}

export interface RenderedStep {
  id: string;
  action: string;
  /** Whether its `if` holds (true when it has none). */
  runs: boolean;
  input: Record<string, unknown>;
}

export interface RenderedWorkflow {
  conditionsHold: boolean;
  steps: RenderedStep[];
}

/** Renders conditions, then each step's `if` and `with` in order; throws what the engine throws. */
export function renderWithSample(
  definition: WorkflowDefinition,
  sample: TriggerSample,
  engine: TemplateEngine,
): RenderedWorkflow {
  const outputs: Record<string, unknown> = {};
  const scope = (): TemplateScope => ({
    ...sample.data,
    location: { id: LOCATION_ID },
    ...(definition.question ? { question: questionScope(definition.question) } : {}),
    steps: outputs,
    run: { id: 'run-sample', workflow: definition.name, key: `sample:${definition.trigger}:${sample.name}` },
  });
  const templates = definition.templates;
  const conditionsHold = (definition.conditions ?? []).every((condition) => engine.test(condition, scope(), templates));
  const steps = definition.steps.map((step): RenderedStep => {
    const runs = step.if === undefined || engine.test(step.if, scope(), templates);
    const input = engine.render(step.with ?? {}, scope(), templates) as Record<string, unknown>;
    outputs[step.id] = STAND_IN_OUTPUTS[step.action] ?? {};
    return { id: step.id, action: step.action, runs, input };
  });
  return { conditionsHold, steps };
}

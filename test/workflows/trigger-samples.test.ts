/**
 * Trigger samples (src/workflows/trigger-samples.ts): every trigger has some, each fills exactly the
 * fields its trigger lists, with the keys the code that starts real runs builds (the Accelevents event
 * data, the session poller's fields, and a real inbound message's run on both databases), and every
 * built-in workflow renders against its trigger's first sample.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcceleventsAttendee, AcceleventsEventDetails, AcceleventsSession } from '../../src/accelevents/types.js';
import type { MappedPayload } from '../../src/intake/map-payload.js';
import { MAPPED_FIELDS } from '../../src/intake/webhook-vocabulary.js';
import { acceleventsEventData, TOPIC_TRIGGERS } from '../../src/jobs/accelevents-event-data.js';
import { attendeeFields, eventFields, sessionFields } from '../../src/jobs/pollers/template-fields.js';
import { createTemplateEngine } from '../../src/lib/template-engine.js';
import {
  findTriggerSample,
  sampleEvent,
  sampleEventKey,
  TRIGGER_SAMPLES,
  type TriggerSample,
} from '../../src/workflows/trigger-samples.js';
import { TRIGGER_NAMES, TRIGGERS, type TriggerName } from '../../src/workflows/triggers.js';
import { WorkflowError } from '../../src/workflows/workflow-error.js';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { type SponsorWorld, startSponsorWorld } from '../jobs/sponsor-world.js';
import { builtinDefinitions, renderWithSample } from './builtin-renders.js';

/** Each object-valued field's keys, sorted: what a template can read one level down. */
function keysOf(data: Record<string, unknown>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(data).map(([field, value]) => [
      field,
      typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value).sort() : [],
    ]),
  );
}

function first(trigger: TriggerName): TriggerSample {
  const sample = TRIGGER_SAMPLES[trigger][0];
  if (!sample) throw new Error(`${trigger} has no sample`);
  return sample;
}

describe('trigger samples', () => {
  it('gives every trigger at least one sample, each name unique within its trigger', () => {
    for (const trigger of TRIGGER_NAMES) {
      const names = TRIGGER_SAMPLES[trigger].map((sample) => sample.name);
      expect(names.length, trigger).toBeGreaterThan(0);
      expect(new Set(names).size, trigger).toBe(names.length);
      for (const name of names) expect(name, trigger).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
  });

  it('fills exactly the fields each trigger lists in every sample', () => {
    for (const trigger of TRIGGER_NAMES) {
      for (const sample of TRIGGER_SAMPLES[trigger]) {
        expect(Object.keys(sample.data).sort(), `${trigger} / ${sample.name}`).toEqual(
          [...TRIGGERS[trigger].fields].sort(),
        );
      }
    }
  });

  it('gives an Accelevents trigger an attendee with a phone first and one with only an email after', () => {
    for (const trigger of ['accelevents.registration', 'accelevents.check_in'] as const) {
      const [withPhone, emailOnly] = TRIGGER_SAMPLES[trigger].map((s) => s.data.attendee as Record<string, unknown>);
      expect(withPhone?.email).toMatch(/@/);
      expect(withPhone?.phone).toMatch(/^\+\d{10,15}$/);
      expect(emailOnly?.email).toMatch(/@/);
      expect(emailOnly?.phone).toBeNull();
    }
  });

  it('has the keys of the event data the Accelevents intake builds for each topic', () => {
    const fields = Object.fromEntries(MAPPED_FIELDS.map((name) => [name, `value-${name}`])) as MappedPayload['fields'];
    for (const [topic, triggers] of Object.entries(TOPIC_TRIGGERS)) {
      const mapped: MappedPayload = {
        topic: topic as MappedPayload['topic'],
        rawTopic: topic,
        topicBy: 'words',
        fields,
        matched: {},
      };
      const built = keysOf(acceleventsEventData(mapped).data);
      for (const trigger of triggers) {
        for (const sample of TRIGGER_SAMPLES[trigger])
          expect(keysOf(sample.data), `${trigger} / ${sample.name}`).toEqual(built);
      }
    }
  });

  it('has the session.ended fields the session poller builds, its times worded as the poller words them', () => {
    for (const sample of TRIGGER_SAMPLES['session.ended']) {
      const session = sample.data.session as Record<string, unknown>;
      const event = sample.data.event as Record<string, unknown>;
      const polled = sessionFields(
        {
          sessionId: String(session.id),
          title: session.title as string,
          format: session.formatCode as string,
          status: 'VISIBLE',
          capacity: 200,
          startTime: null,
          endTime: null,
          startsAt: session.startsAt as number,
          endsAt: session.endsAt as number,
          recordingUrl: session.recordingUrl as string | null,
          raw: {},
        } satisfies AcceleventsSession as AcceleventsSession & { sessionId: string; endsAt: number },
        event.timeZone as string,
        {},
      );
      expect(session, sample.name).toEqual(polled);
      const details = { eventUrl: String(event.key), eventId: String(event.id), eventName: 'x', timeZone: 'UTC' };
      const settings = { eventUrl: String(event.key), name: 'y', timeZone: 'UTC', recipients: null, formatLabels: {} };
      expect(Object.keys(event).sort()).toEqual(
        Object.keys(eventFields(details as unknown as AcceleventsEventDetails, settings)).sort(),
      );
      const attendee = attendeeFields({ barcode: 'b' } as AcceleventsAttendee);
      expect(Object.keys(sample.data.attendee as object).sort()).toEqual(Object.keys(attendee).sort());
    }
  });

  it('renders every built-in workflow’s conditions and step inputs against its trigger’s first sample', async () => {
    const engine = createTemplateEngine();
    const definitions = await builtinDefinitions();
    expect(definitions.length).toBeGreaterThanOrEqual(6);
    for (const definition of definitions) {
      const rendered = renderWithSample(definition, first(definition.trigger), engine);
      expect(rendered.steps.length, definition.name).toBe(definition.steps.length);
    }
  });

  it('takes the SMS branch for the attendee with a phone and the Email branch for the one without', async () => {
    const engine = createTemplateEngine();
    const welcome = (await builtinDefinitions()).find((d) => d.name === 'registration-welcome');
    if (!welcome) throw new Error('registration-welcome is not a built-in');
    const sendOf = (sample: string) =>
      renderWithSample(welcome, findTriggerSample('accelevents.registration', sample), engine).steps.find(
        (step) => step.id === 'welcome',
      )?.input;
    const sms = sendOf('attendee-with-phone');
    const email = sendOf('attendee-email-only');
    expect(sms?.type).toBe('SMS');
    expect(sms?.subject).toBe('');
    expect(sms?.message).toContain('Hi Maya');
    expect(email?.type).toBe('Email');
    expect(email?.subject).toBe('Welcome to Parley Spring Summit 2026');
    expect(email?.message).toContain('Your ticket: VIP Pass');
  });
});

describe('sample events', () => {
  it('keys a sample run apart from every real run, and each nonce apart from the others', () => {
    expect(sampleEventKey('accelevents.registration', 'attendee-with-phone')).toBe(
      'sample:accelevents.registration:attendee-with-phone',
    );
    expect(sampleEventKey('accelevents.registration', 'attendee-with-phone', 'try-2')).toBe(
      'sample:accelevents.registration:attendee-with-phone:try-2',
    );
  });

  it('builds a WorkflowEvent for the run’s location, the sample itself left as it was', () => {
    const event = sampleEvent('highlevel.inbound_message', 'checked-in-sms-reply', {
      locationId: 'loc-1',
      nonce: 'n1',
    });
    expect(event.key).toBe('sample:highlevel.inbound_message:checked-in-sms-reply:n1');
    expect(event.locationId).toBe('loc-1');
    expect((event.data.message as Record<string, unknown>).locationId).toBe('loc-1');
    const original = findTriggerSample('highlevel.inbound_message', 'checked-in-sms-reply');
    expect((original.data.message as Record<string, unknown>).locationId).not.toBe('loc-1');
  });

  it('names the trigger’s samples when asked for one it does not have', () => {
    const error = (() => {
      try {
        findTriggerSample('accelevents.registration', 'attendee-with-fone');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(WorkflowError);
    expect((error as WorkflowError).code).toBe('unknown_trigger_sample');
    expect((error as WorkflowError).message).toBe(
      'sample: accelevents.registration has no sample "attendee-with-fone"; expected one of attendee-with-phone, attendee-email-only (closest: attendee-with-phone)',
    );
  });

  it('names the triggers when asked for one that does not exist', () => {
    expect(() => findTriggerSample('accelevents.registered', 'x')).toThrow(
      /^trigger: "accelevents\.registered" is not a trigger; expected one of accelevents\.registration, /,
    );
  });
});

describe.each(DATABASE_KINDS)('inbound message samples against a real run [%s]', (kind) => {
  let world: SponsorWorld;

  beforeAll(async () => {
    world = await startSponsorWorld(kind, {
      attendees: 2,
      config: { sponsor: { sponsors: [{ name: 'Acme', keyword: 'ACME', staff: ['sponsor@parley.test'] }] } },
    });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('has the keys of the data a real inbound message gives its run', async () => {
    const { conversation_id: conversationId } = await world.parley.deps.db
      .selectFrom('index_conversations')
      .select('conversation_id')
      .orderBy('conversation_id')
      .executeTakeFirstOrThrow();
    await world.attendeeWrites(conversationId, 'Is the ACME booth doing demos today?');
    const runs = await world.parley.deps.db
      .selectFrom('workflow_runs')
      .select(['workflow', 'input'])
      .where('trigger_key', 'like', '%:message:%')
      .execute();
    expect(runs.map((run) => run.workflow)).toContain('sponsor-channel');
    for (const run of runs) {
      const { data } = JSON.parse(run.input) as { data: Record<string, unknown> };
      for (const sample of TRIGGER_SAMPLES['highlevel.inbound_message']) {
        expect(keysOf(sample.data), `${run.workflow} / ${sample.name}`).toEqual(keysOf(data));
      }
    }
  });
});

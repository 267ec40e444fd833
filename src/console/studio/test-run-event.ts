/**
 * What a workflow test run starts from, named by exactly one of the request's fields:
 * - `sample`: one of the trigger's samples (src/workflows/trigger-samples.ts);
 * - `data`: a trigger payload given as it is, the run's `data`;
 * - `deliveryId`: a stored Accelevents delivery, its mapped fields turned into run data as the
 *   `accelevents.event` job does (src/jobs/accelevents-event-data.ts, the configured event name over the
 *   payload's). The payload is not read back from Accelevents first, even with `refetch` on.
 * Every event key starts with `test:` and ends with a nonce, so no two test runs share a run, and none
 * can find or block a real one even on the same store.
 */
import type { Kysely } from 'kysely';
import { acceleventsEventData, isMappedPayload } from '../../jobs/accelevents-event-data.js';
import { PipelineError } from '../../jobs/job-error.js';
import type { Database } from '../../store/schema.js';
import type { VersionedWorkflow } from '../../workflows/definition-schema.js';
import type { WorkflowEvent } from '../../workflows/run-workflow.js';
import { findTriggerSample, sampleEventKey } from '../../workflows/trigger-samples.js';
import { WorkflowError } from '../../workflows/workflow-error.js';
import { ConsoleError } from '../console-error.js';
import type { ConsoleConfig } from '../console-settings.js';

/** The request fields that say what the run starts from. */
export interface TestRunSource {
  sample?: string;
  data?: Record<string, unknown>;
  deliveryId?: string;
}

/** An event still without its location: a live run's location can depend on the event (`events[].locationId`). */
export interface TestRunStart {
  /** The Accelevents event URL or id, when the source names one. */
  eventKey: string | null;
  at(locationId: string): WorkflowEvent;
}

const SOURCES = ['sample', 'data', 'deliveryId'] as const;

export async function testRunStart(
  source: TestRunSource,
  definition: VersionedWorkflow,
  deps: { db: Kysely<Database>; config: Pick<ConsoleConfig, 'events'>; nonce: string },
): Promise<TestRunStart> {
  const given = SOURCES.filter((name) => source[name] !== undefined);
  if (given.length !== 1) {
    throw new ConsoleError(
      'invalid_request',
      `expected exactly one of sample, data or deliveryId${given.length > 1 ? `, got ${given.join(' and ')}` : ''}`,
      { field: given[1] ?? 'sample' },
    );
  }
  const { nonce } = deps;
  if (source.sample !== undefined) {
    const name = source.sample;
    const sample = sampleOf(definition, name);
    const key = sampleEventKey(definition.trigger, name, `test-${nonce}`);
    return {
      eventKey: eventKeyOf(sample.data),
      at(locationId) {
        const data = structuredClone(sample.data);
        // As sampleEvent does: an inbound message belongs to the location the run acts for.
        const message = data.message as Record<string, unknown> | undefined;
        if (message !== undefined) message.locationId = locationId;
        return { key, locationId, data };
      },
    };
  }
  if (source.data !== undefined) {
    const data = source.data;
    return {
      eventKey: eventKeyOf(data),
      at: (locationId) => ({
        key: `test:${definition.trigger}:data:${nonce}`,
        locationId,
        data: structuredClone(data),
      }),
    };
  }
  return deliveryStart(source.deliveryId as string, definition, deps);
}

function sampleOf(definition: VersionedWorkflow, name: string) {
  try {
    return findTriggerSample(definition.trigger, name);
  } catch (error) {
    if (error instanceof WorkflowError && error.code === 'unknown_trigger_sample') {
      throw new ConsoleError('invalid_request', error.message, { field: 'sample', cause: error });
    }
    throw error;
  }
}

async function deliveryStart(
  deliveryId: string,
  definition: VersionedWorkflow,
  deps: { db: Kysely<Database>; config: Pick<ConsoleConfig, 'events'>; nonce: string },
): Promise<TestRunStart> {
  const row = await deps.db
    .selectFrom('inbox')
    .select(['id', 'source', 'mapped'])
    .where('id', '=', deliveryId)
    .executeTakeFirst();
  if (!row) throw new ConsoleError('not_found', `no stored delivery ${deliveryId}`, { field: 'deliveryId' });
  // Reconciliation rows are Accelevents records too, mapped and run by the same job.
  if (row.source === 'highlevel') {
    throw new ConsoleError(
      'invalid_request',
      `delivery ${deliveryId} came from HighLevel; expected an Accelevents delivery (or test with sample or data)`,
      { field: 'deliveryId' },
    );
  }
  const mapped = row.mapped === null ? null : (JSON.parse(row.mapped) as unknown);
  if (!isMappedPayload(mapped)) {
    throw new ConsoleError('invalid_request', `delivery ${deliveryId} has no mapped fields to run with`, {
      field: 'deliveryId',
    });
  }
  let event: ReturnType<typeof acceleventsEventData>;
  try {
    event = acceleventsEventData(mapped);
  } catch (error) {
    if (!(error instanceof PipelineError)) throw error;
    throw new ConsoleError('invalid_request', `delivery ${deliveryId}: ${error.message}`, {
      field: 'deliveryId',
      cause: error,
    });
  }
  const fired = event.triggers.find((t) => t.trigger === definition.trigger);
  if (!fired) {
    throw new ConsoleError(
      'invalid_request',
      `delivery ${deliveryId} fires ${event.triggers.map((t) => t.trigger).join(' and ')}; expected a delivery that fires ${definition.name}'s trigger ${definition.trigger}`,
      { field: 'deliveryId' },
    );
  }
  const configured = deps.config.events.find((e) => e.eventUrl === event.eventKey)?.name;
  if (configured) event.data.event.name = configured;
  const data = { ...event.data, delivery: { id: deliveryId } };
  return {
    eventKey: event.eventKey,
    at: (locationId) => ({ key: `test:${fired.key}:${deps.nonce}`, locationId, data: structuredClone(data) }),
  };
}

/** `event.key` (else its url or id) of an Accelevents-shaped payload, for the live location map. */
function eventKeyOf(data: Record<string, unknown>): string | null {
  const event = data.event as Record<string, unknown> | undefined;
  for (const value of [event?.key, event?.url, event?.id]) if (typeof value === 'string' && value !== '') return value;
  return null;
}

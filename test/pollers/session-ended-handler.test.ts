/**
 * The session.ended job handler end to end: Accelevents sandbox (attendees) and HighLevel sandbox
 * (contacts and messages) over real HTTP, on both databases. A replayed job sends nothing twice.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createSessionEndedHandler } from '../../src/pipeline/pollers/session-ended-handler.js';
import { createSessionPoller } from '../../src/pipeline/pollers/session-poller.js';
import type { AcceleventsSandbox } from '../../src/sandbox/accelevents/create-sandbox.js';
import { clientFor, SUMMIT, startSandbox } from '../accelevents/sandbox-fixture.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { definitionFrom, newLocation, recordingClient } from '../workflows/workflow-fixture.js';
import { clearPipelineTables, fixedClock, queueOn, silentLogger, T0 } from './pollers-fixture.js';

const HIGHLIGHTS = definitionFrom(`
name: session-highlights
trigger: session.ended
steps:
  - id: contact
    action: contacts.upsert
    with: { email: "{{ attendee.email }}", phone: "{{ attendee.phone }}", firstName: "{{ attendee.firstName }}" }
  - id: note
    action: highlevel.send-a-new-message
    with:
      type: Email
      contactId: "{{ steps.contact.id }}"
      message: "Thanks for joining {{ session.title }} at {{ event.name }}"
`);

let accelevents: AcceleventsSandbox;
let highlevel: SandboxHandle;
beforeAll(async () => {
  accelevents = await startSandbox({ attendees: 2, now: () => T0 });
  highlevel = await withSandbox();
});
afterAll(async () => {
  await accelevents.close();
  await highlevel.close();
});

describeEachDatabase('session.ended handler', (getStore) => {
  beforeEach(async () => {
    await clearPipelineTables(getStore().db);
  });

  it('runs the session.ended workflow once per attendee, and a replayed job sends nothing more', async () => {
    const clock = fixedClock();
    const queue = queueOn(getStore(), clock);
    const client = clientFor(accelevents);
    await createSessionPoller({
      queue,
      accelevents: client,
      events: [SUMMIT],
      logger: silentLogger,
      now: clock.now,
    }).pollOnce();
    const [job] = await queue.claim('w1', { limit: 1, leaseMs: 60_000, kinds: ['session.ended'] });
    const locationId = newLocation(highlevel);
    const recorder = recordingClient(highlevel, locationId);
    const handler = createSessionEndedHandler({
      accelevents: client,
      workflows: [HIGHLIGHTS],
      locations: { resolve: () => locationId },
      run: { db: getStore().db, highlevel: recorder.client, logger: silentLogger },
      logger: silentLogger,
    });
    const context = { signal: new AbortController().signal, workerId: 'w1' };
    await handler(job!, context);
    const sends = () => recorder.calls.filter((c) => c === 'send-a-new-message').length;
    expect(sends()).toBe(2);
    await handler(job!, context);
    expect(sends()).toBe(2);
    const runs = await getStore().db.selectFrom('workflow_runs').select(['trigger_key', 'status']).execute();
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed']);
    const barcodes = accelevents.state.tickets(SUMMIT).map((t) => t.barcode);
    expect(runs.map((r) => r.trigger_key).sort()).toEqual(
      barcodes
        .map(
          (b) => `session-highlights:session-ended:${SUMMIT}:${job!.payload && (job!.payload as any).session.id}:${b}`,
        )
        .sort(),
    );
  });
});

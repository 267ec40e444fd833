/**
 * Session follow-ups with the built-in session-highlights workflow, end to end on both databases: the
 * session poller and the session.ended handler against the Accelevents sandbox (sessions, attendance)
 * and the HighLevel sandbox (contacts, conversations, messages), all over real HTTP. The summit's panel
 * (session 10103) runs 9:30 to 10:30 in New York and ends at T0+30 min (test/jobs/pollers/pollers-fixture.ts).
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { loadEnabledWorkflows } from '../../src/features/enabled-workflows.js';
import type { HighLevelClient } from '../../src/highlevel/client.js';
import type { GetMessagesResponse } from '../../src/highlevel/normalize-get-messages.js';
import { createSessionEndedHandler } from '../../src/jobs/pollers/session-ended-handler.js';
import { createSessionPoller } from '../../src/jobs/pollers/session-poller.js';
import type { AcceleventsSandbox } from '../../src/sandbox/accelevents/create-sandbox.js';
import { clientFor, SUMMIT, startSandbox } from '../accelevents/sandbox-fixture.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { newLocation, recordingClient } from '../workflows/workflow-fixture.js';
import { clearPipelineTables, fixedClock, MINUTE, queueOn, silentLogger, T0 } from './pollers/pollers-fixture.js';

const PANEL = 10103;
interface Person {
  eventUrl: string;
  firstName: string;
  lastName: string;
  phoneNumber: string | null;
}
const NO_PHONE: Person = { eventUrl: SUMMIT, firstName: 'Lin', lastName: 'Chen', phoneNumber: null };
const WITH_PHONE: Person = { eventUrl: SUMMIT, firstName: 'Sam', lastName: 'Okafor', phoneNumber: '+14155550142' };

let highlevel: SandboxHandle;
let accelevents: AcceleventsSandbox;
beforeAll(async () => {
  highlevel = await withSandbox();
});
afterAll(async () => {
  await highlevel.close();
});
beforeEach(async () => {
  accelevents = await startSandbox({ attendees: 3, now: () => T0 });
});
afterEach(async () => {
  await accelevents.close();
});

interface Sent {
  type: string | null;
  body: string;
  subject: string | null;
}

describeEachDatabase('session follow-ups end to end', (getStore) => {
  beforeEach(async () => {
    await clearPipelineTables(getStore().db);
    await getStore().db.deleteFrom('settings').execute();
  });

  /** The messages parley sent to the contact with this email, read back from the HighLevel sandbox. */
  async function sentTo(client: HighLevelClient, locationId: string, email: string): Promise<Sent[]> {
    const contact = await client.call<{ contact: { id: string } }>('upsert-contact', {
      body: { locationId, email },
      locationId,
    });
    const search = await client.call<{ conversations: { id: string }[] }>('search-conversation', {
      query: { locationId, contactId: contact.data.contact.id },
      locationId,
    });
    const conversation = search.data.conversations[0];
    if (!conversation) return [];
    const page = await client.call<GetMessagesResponse>('get-messages', {
      path: { conversationId: conversation.id },
      query: { limit: 100 },
      locationId,
    });
    return page.data.messages
      .filter((m) => m.direction === 'outbound')
      .map((m) => ({
        type: m.messageType ?? null,
        body: m.body ?? '',
        subject: highlevel.sandbox.domain?.state.messages.get(m.id)?.email?.subject ?? null,
      }));
  }

  /** Registers and checks into the panel one attendee per `people`; emails are made unique per database. */
  function attend(people: Person[]): string[] {
    return people.map((person) => {
      const email = `${person.firstName.toLowerCase()}.${getStore().dialect}@example.com`;
      const { ticket } = accelevents.state.register({ ...person, email });
      accelevents.state.checkInSession(SUMMIT, ticket.barcode, PANEL);
      return email;
    });
  }

  /** Follow-ups start at T0; at T0+30 min the panel ends and its job runs with the built-in workflow. */
  async function afterPanel() {
    const clock = fixedClock();
    const store = getStore();
    const queue = queueOn(store, clock);
    const client = clientFor(accelevents);
    const poll = () =>
      createSessionPoller({
        queue,
        accelevents: client,
        db: store.db,
        events: [SUMMIT],
        logger: silentLogger,
        now: clock.now,
      }).pollOnce();
    const workflows = await loadEnabledWorkflows({ features: ['session-highlights'] });
    const locationId = newLocation(highlevel);
    const recorder = recordingClient(highlevel, locationId);
    const handler = createSessionEndedHandler({
      accelevents: client,
      workflows,
      locations: { resolve: () => locationId },
      run: { db: store.db, highlevel: recorder.client, logger: silentLogger, now: clock.now },
      logger: silentLogger,
    });
    const context = { signal: new AbortController().signal, workerId: 'w1' };
    const runJobs = async () => {
      for (const job of await queue.claim('w1', { limit: 10, leaseMs: 60_000, kinds: ['session.ended'] })) {
        await handler(job, context);
        await queue.complete(job.id, 'w1');
      }
    };
    await poll();
    await runJobs();
    clock.set(T0 + 30 * MINUTE);
    await poll();
    await runJobs();
    return {
      clock,
      poll,
      runJobs,
      locationId,
      client: recorder.client,
      sends: () => recorder.calls.filter((c) => c === 'send-a-new-message').length,
    };
  }

  it("sends an attendee without a phone one Email in the session's New York times, linkless as it has no recording", async () => {
    const [lin] = attend([NO_PHONE]);
    const world = await afterPanel();
    const sent = await sentTo(world.client, world.locationId, lin!);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ type: 'TYPE_EMAIL', subject: 'Thanks for joining Panel: support at event scale' });
    expect(sent[0]?.body).toContain(
      'Thanks for joining "Panel: support at event scale" at Parley Spring Summit 2026 (Breakout session, Mon, May 4, 2026, 9:30 AM to 10:30 AM EDT).',
    );
    expect(sent[0]?.body).not.toMatch(/https?:/);
  });

  it("sends an attendee with a phone one SMS with the recording link from the session's record", async () => {
    accelevents.state.setSessionRecording(SUMMIT, PANEL, 'https://video.example.com/panel');
    const [sam] = attend([WITH_PHONE]);
    const world = await afterPanel();
    expect(await sentTo(world.client, world.locationId, sam!)).toEqual([
      {
        type: 'TYPE_SMS',
        subject: null,
        body: 'Thanks for joining "Panel: support at event scale" at Parley Spring Summit 2026! Recording: https://video.example.com/panel',
      },
    ]);
  });

  it('does not message an attendee of a session that ended before follow-ups started', async () => {
    attend([NO_PHONE, WITH_PHONE]);
    // Checked into the keynote, which ended two hours before follow-ups started: not messaged.
    const email = `eve.${getStore().dialect}@example.com`;
    const early = accelevents.state.register({ ...NO_PHONE, firstName: 'Eve', email }).ticket;
    accelevents.state.checkInSession(SUMMIT, early.barcode, 10101);
    const world = await afterPanel();
    expect(world.sends()).toBe(2);
    expect(await sentTo(world.client, world.locationId, early.email)).toEqual([]);
  });

  it('sends nothing more after a restart, the panel being already announced', async () => {
    attend([NO_PHONE, WITH_PHONE]);
    const world = await afterPanel();
    expect(world.sends()).toBe(2);
    world.clock.set(T0 + 31 * MINUTE);
    expect((await world.poll()).announced).toEqual([]);
    await world.runJobs();
    expect(world.sends()).toBe(2);
  });
});

/**
 * Marketplace triggers end to end: a parley in sandbox mode (HighLevel and Accelevents sandboxes, the
 * worker) with the `marketplace` feature on. Sandbox workflows (POST /sandbox/workflows) subscribe to
 * `accelevents_attendee_registered` through parley's real subscription route; attendees register in
 * the Accelevents sandbox, whose webhooks reach parley; the HighLevel sandbox's targetUrl records each
 * execution. Assertions are on counts and ledger rows, never on timings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_EVENT_URL } from '../../src/sandbox/accelevents/sample-events.js';
import { until } from '../cli/in-process-parley.js';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { type LaunchedParley, launchParley } from '../helpers/launch-parley.js';

const CONFIG = 'features: [registration-welcome, checkin-welcome, marketplace]\n';
const TRIGGER = 'accelevents_attendee_registered';

interface Execution {
  triggerId: string;
  body: { type: string; id: string; contactId: string | null; attendee: { email: string }; ticket: { type: string } };
  headers: Record<string, string>;
}

async function json(res: Response): Promise<any> {
  if (!res.ok) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
  return res.json();
}

for (const kind of DATABASE_KINDS) {
  describe(`marketplace trigger firing [${kind}]`, () => {
    let parley: LaunchedParley;
    let highlevel: { url: string; locationId: string };
    let accelevents: string;
    let n = 0;

    beforeAll(async () => {
      parley = await launchParley({ kind, worker: true, config: CONFIG, prefix: 'parley-marketplace-triggers-' });
      const info = await json(await fetch(`${parley.url}/sandbox-info`));
      highlevel = info.highlevel;
      accelevents = new URL(info.accelevents.url).origin;
    });
    afterAll(async () => {
      await parley?.stop();
    });

    async function subscribeWorkflow(
      filters?: unknown[],
      triggerKey = TRIGGER,
    ): Promise<{ workflowId: string; triggerId: string }> {
      return sandboxPost(`${highlevel.url}/sandbox/workflows`, {
        locationId: highlevel.locationId,
        triggerKey,
        ...(filters ? { filters } : {}),
      });
    }

    async function sandboxPost(url: string, body: unknown): Promise<any> {
      return json(
        await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
    }

    async function executions(workflowId: string): Promise<Execution[]> {
      return (await json(await fetch(`${highlevel.url}/sandbox/workflows/${workflowId}/executions`))).executions;
    }

    /** Registers a new attendee and waits until parley has planned its firings (its event job ran). */
    async function register(ticketType: string): Promise<{ email: string; barcode: string; lastName: string }> {
      n += 1;
      const email = `marketplace-${n}-${Date.now()}@example.com`;
      const registered = await json(
        await fetch(`${accelevents}/sandbox/accelevents/attendees`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            eventUrl: SAMPLE_EVENT_URL,
            firstName: 'Ada',
            lastName: `Test${n}`,
            email,
            phoneNumber: `+1555010${n}`,
            ticketType,
          }),
        }),
      );
      await until(`the registration of ${email} to be processed`, async () => {
        const row = await parley.store.db
          .selectFrom('inbox')
          .select('status')
          .where('body', 'like', `%${email}%`)
          .where('status', 'in', ['processed', 'ignored'])
          .executeTakeFirst();
        return row ?? undefined;
      });
      return { email, barcode: String(registered.barcode), lastName: `Test${n}` };
    }

    async function firingsOf(triggerId: string) {
      return parley.store.db
        .selectFrom('marketplace_firings')
        .selectAll()
        .where('trigger_id', '=', triggerId)
        .orderBy('id')
        .execute();
    }

    /** Waits until no firing of the trigger is still queued, and returns them. */
    async function settledFirings(triggerId: string, count: number) {
      return until(`${count} settled firing(s) of ${triggerId}`, async () => {
        const rows = await firingsOf(triggerId);
        return rows.length === count && rows.every((r) => r.status !== 'queued') ? rows : undefined;
      });
    }

    let everyone: { workflowId: string; triggerId: string };
    let vipOnly: { workflowId: string; triggerId: string };

    it('sends one registration to a subscribed workflow exactly once, with the contact parley linked', async () => {
      everyone = await subscribeWorkflow();
      const subscription = await parley.store.db
        .selectFrom('marketplace_subscriptions')
        .selectAll()
        .where('trigger_id', '=', everyone.triggerId)
        .executeTakeFirst();
      expect(subscription).toMatchObject({ trigger_key: TRIGGER, location_id: highlevel.locationId, status: 'active' });

      const ada = await register('General Admission');
      const [firing] = await settledFirings(everyone.triggerId, 1);
      expect(firing).toMatchObject({ status: 'sent', http_status: 200 });
      const seen = await executions(everyone.workflowId);
      expect(seen).toHaveLength(1);
      const link = await parley.store.db
        .selectFrom('attendee_links')
        .select('contact_id')
        .where('attendee_id', '=', ada.barcode)
        .executeTakeFirstOrThrow();
      expect(seen[0]!.body).toMatchObject({
        type: TRIGGER,
        attendee: { email: ada.email },
        ticket: { type: 'General Admission' },
        contactId: link.contact_id,
      });
      // The location's bearer token went with it, and the sandbox recorded it redacted.
      expect(seen[0]!.headers.authorization).toBe('Bearer [redacted]');
    });

    it('fires a workflow filtered on ticket type only for attendees with that ticket type', async () => {
      vipOnly = await subscribeWorkflow([{ field: 'ticket.type', operator: '==', value: 'VIP' }]);
      const general = await register('General Admission');
      const vip = await register('VIP');
      const rows = await settledFirings(vipOnly.triggerId, 2);
      expect(rows.map((r) => r.status).sort()).toEqual(['filtered', 'sent']);
      const seen = await executions(vipOnly.workflowId);
      expect(seen.map((e) => e.body.attendee.email)).toEqual([vip.email]);
      expect(seen.map((e) => e.body.attendee.email)).not.toContain(general.email);
    });

    it('fires nothing more for a workflow after it is deleted', async () => {
      await json(await fetch(`${highlevel.url}/sandbox/workflows/${vipOnly.workflowId}`, { method: 'DELETE' }));
      const subscription = await parley.store.db
        .selectFrom('marketplace_subscriptions')
        .select('status')
        .where('trigger_id', '=', vipOnly.triggerId)
        .executeTakeFirstOrThrow();
      expect(subscription.status).toBe('deleted');
      const before = (await firingsOf(vipOnly.triggerId)).length;
      const vip = await register('VIP');
      // The registration was planned (the other workflow got it), and the deleted one got nothing.
      const everyoneRows = await settledFirings(everyone.triggerId, 4);
      expect(everyoneRows.at(-1)?.event_key).toContain(vip.email);
      expect(await firingsOf(vipOnly.triggerId)).toHaveLength(before);
    });

    it('delivers a firing once after the target answers 503 and then 200', async () => {
      await json(
        await fetch(`${highlevel.url}/sandbox/workflow-faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ status: 503, count: 1 }),
        }),
      );
      const late = await register('General Admission');
      const rows = await settledFirings(everyone.triggerId, 5);
      const firing = rows.find((r) => r.event_key.includes(late.email));
      expect(firing).toMatchObject({ status: 'sent', attempts: 2, http_status: 200 });
      const seen = await executions(everyone.workflowId);
      expect(seen.filter((e) => e.body.attendee.email === late.email)).toHaveLength(1);
      expect(seen).toHaveLength(5);
    });

    /** Changes a ticket's status in the Accelevents sandbox; answers the inbox row of that delivery once settled. */
    async function changeTicketStatus(barcode: string, status: string) {
      const before = await parley.store.db
        .selectFrom('inbox')
        .select('id')
        .where('body', 'like', `%${barcode}%`)
        .execute();
      await sandboxPost(`${accelevents}/sandbox/accelevents/ticket-status`, {
        eventUrl: SAMPLE_EVENT_URL,
        barcode,
        status,
      });
      return until(`the ${status} delivery of ${barcode} to settle`, async () => {
        const row = await parley.store.db
          .selectFrom('inbox')
          .select(['status', 'reason_code'])
          .where('body', 'like', `%${barcode}%`)
          .where('id', 'not in', before.length > 0 ? before.map((r) => r.id) : [''])
          .where('status', 'in', ['processed', 'ignored', 'skipped', 'failed'])
          .executeTakeFirst();
        return row ?? undefined;
      });
    }

    it('settles a delivery only a subscribed HighLevel workflow handles as processed, not ignored', async () => {
      const first = await register('General Admission');
      // No parley workflow and no subscription takes a cancelled ticket: ignored, with the reason.
      expect(await changeTicketStatus(first.barcode, 'CANCELLED')).toEqual({
        status: 'ignored',
        reason_code: 'ticket_inactive',
      });
      const statusWorkflow = await subscribeWorkflow(undefined, 'accelevents_ticket_status_changed');
      const second = await register('General Admission');
      expect(await changeTicketStatus(second.barcode, 'CANCELLED')).toEqual({ status: 'processed', reason_code: null });
      const [firing] = await settledFirings(statusWorkflow.triggerId, 1);
      expect(firing).toMatchObject({ status: 'sent' });
      expect(await executions(statusWorkflow.workflowId)).toHaveLength(1);
    });

    it('fires check-in and preference-answered workflows once each for a check-in and its matched reply', async () => {
      const checkedIn = await subscribeWorkflow(undefined, 'accelevents_attendee_checked_in');
      const answered = await subscribeWorkflow(undefined, 'parley_preference_answered');
      const grace = await register('VIP');
      await sandboxPost(`${accelevents}/sandbox/accelevents/checkins`, {
        eventUrl: SAMPLE_EVENT_URL,
        barcode: grace.barcode,
      });
      const link = await until('the check-in welcome to be sent', async () => {
        const row = await parley.store.db
          .selectFrom('attendee_links')
          .select(['conversation_id', 'contact_id', 'welcome_message_id'])
          .where('attendee_id', '=', grace.barcode)
          .where('event_key', 'like', 'check-in:%')
          .executeTakeFirst();
        return row?.welcome_message_id ? row : undefined;
      });
      await sandboxPost(
        `${highlevel.url}/sandbox/conversations/${encodeURIComponent(link.conversation_id ?? '')}/replies`,
        {
          message: '2 please',
        },
      );
      const [answer] = await settledFirings(answered.triggerId, 1);
      expect(answer).toMatchObject({ status: 'sent', event_key: `preference:${link.contact_id}:updates` });
      const seen = (await executions(answered.workflowId)) as unknown as {
        body: {
          contactId: string;
          preference: { key: string; value: string; answer: string };
          attendee: { id: string; email: string | null; firstName: string | null; lastName: string | null };
        };
      }[];
      expect(seen).toHaveLength(1);
      expect(seen[0]!.body).toMatchObject({
        contactId: link.contact_id,
        preference: { key: 'updates', value: 'workshops', answer: '2 please' },
        // The name and email come from the HighLevel contact parley made from the registration.
        attendee: { id: grace.barcode, email: grace.email, firstName: 'Ada', lastName: grace.lastName },
      });
      const [checkIn] = await settledFirings(checkedIn.triggerId, 1);
      expect(checkIn).toMatchObject({ status: 'sent' });
      expect(await executions(checkedIn.workflowId)).toHaveLength(1);
    });
  });
}

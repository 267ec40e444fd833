/**
 * parley's custom workflow actions as HighLevel's builder calls them: a parley in sandbox mode (the
 * HighLevel and Accelevents sandboxes, the worker) with the `marketplace` feature on, an attendee
 * registered through the Accelevents sandbox and welcomed (which links attendee ↔ contact), then
 * POST /marketplace/actions/<key> with the app secret header and `{ data, extras, meta }`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAcceleventsClient } from '../../src/accelevents/client.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { findMarketplaceAction } from '../../src/marketplace/action-catalog.js';
import { onceKey } from '../../src/marketplace/actions/once-key.js';
import { OTHER_SEND_ABANDONED_MS, SEND_WORKFLOW_NAME } from '../../src/marketplace/actions/send-message.js';
import { MARKETPLACE_SECRET_HEADER, readMarketplaceSecret } from '../../src/marketplace/marketplace-secret.js';
import { SAMPLE_EVENT_URL } from '../../src/sandbox/accelevents/sample-events.js';
import { loadMasterKey } from '../../src/vault/master-key.js';
import { openVault } from '../../src/vault/open-vault.js';
import { until } from '../cli/in-process-parley.js';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { type LaunchedParley, launchParley } from '../helpers/launch-parley.js';

const silent = createLogger({ level: 'silent' });
const CONFIG = 'features: [registration-welcome, marketplace]\n';

interface World {
  parley: LaunchedParley;
  secret: string;
  highlevel: { url: string; locationId: string };
  accelevents: { url: string };
  barcode: string;
  contactId: string;
}

async function json(res: Response): Promise<any> {
  return res.json();
}

async function startWorld(kind: (typeof DATABASE_KINDS)[number]): Promise<World> {
  const parley = await launchParley({ kind, worker: true, config: CONFIG, prefix: 'parley-marketplace-actions-' });
  try {
    const sandboxes = await json(await fetch(`${parley.url}/sandbox-info`));
    const registered = await json(
      await fetch(`${new URL(sandboxes.accelevents.url).origin}/sandbox/accelevents/attendees`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          eventUrl: SAMPLE_EVENT_URL,
          firstName: 'Grace',
          lastName: 'Hopper',
          email: 'grace.hopper@example.com',
          phoneNumber: '+15550107',
          ticketType: 'VIP',
        }),
      }),
    );
    const barcode = String(registered.barcode);
    const contactId = await until('the welcome to link the attendee to a contact', async () => {
      const link = await parley.store.db
        .selectFrom('attendee_links')
        .select('contact_id')
        .where('attendee_id', '=', barcode)
        .executeTakeFirst();
      return link?.contact_id ?? undefined;
    });
    const masterKey = await loadMasterKey({ env: { PARLEY_MASTER_KEY: parley.env.PARLEY_MASTER_KEY }, keyFile: '' });
    const vault = await openVault({ db: parley.store.db, masterKey, logger: silent });
    const secret = await until('the marketplace secret', async () => {
      return (await readMarketplaceSecret(parley.store.db, vault)) ?? undefined;
    });
    return { parley, secret, highlevel: sandboxes.highlevel, accelevents: sandboxes.accelevents, barcode, contactId };
  } catch (error) {
    await parley.stop();
    throw error;
  }
}

function call(world: World, key: string, data: Record<string, unknown>, headers: Record<string, string> = {}) {
  return fetch(`${world.parley.url}/marketplace/actions/${key}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [MARKETPLACE_SECRET_HEADER]: world.secret, ...headers },
    body: JSON.stringify({
      data,
      extras: { locationId: world.highlevel.locationId, contactId: world.contactId, workflowId: 'wf-marketplace-test' },
      meta: { key, version: '1.0' },
    }),
  });
}

function branchOf(key: Parameters<typeof findMarketplaceAction>[0], outcome: string): string {
  const branch = findMarketplaceAction(key).branches.find((b) => b.key === outcome);
  if (!branch) throw new Error(`no branch ${outcome}`);
  return branch.id;
}

async function sandboxTicket(world: World) {
  const info = await json(await fetch(`${new URL(world.accelevents.url).origin}/sandbox/accelevents/info`));
  const client = createAcceleventsClient({
    baseUrl: info.url,
    apiKey: info.apiKey,
    readAuth: info.readAuth[0],
    writeAuth: info.writeAuth[0],
    logger: silent,
  });
  const page = await client.listAttendees(SAMPLE_EVENT_URL, { searchString: world.barcode });
  return page.items.find((item) => item.barcode === world.barcode);
}

async function sentMessages(world: World, body: string): Promise<number> {
  const token = await json(
    await fetch(`${world.highlevel.url}/sandbox/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ locationId: world.highlevel.locationId }),
    }),
  );
  const headers = { authorization: `Bearer ${token.accessToken}`, version: '2021-04-15' };
  const search = await json(
    await fetch(
      `${world.highlevel.url}/conversations/search?locationId=${world.highlevel.locationId}&contactId=${world.contactId}`,
      { headers },
    ),
  );
  let count = 0;
  for (const conversation of search.conversations as { id: string }[]) {
    const page = await json(
      await fetch(`${world.highlevel.url}/conversations/${conversation.id}/messages?limit=100`, { headers }),
    );
    const messages = (page.messages?.messages ?? page.messages ?? []) as { body?: string }[];
    count += messages.filter((m) => m.body === body).length;
  }
  return count;
}

/**
 * The run another parley process made for this send-message call and is still working on, as its
 * journal leaves it (src/workflows/run-journal.ts): the run row, `running`, no step finished yet.
 */
async function otherProcessSending(world: World, data: { channel: string; message: string }, startedAt: number) {
  const request = {
    data,
    extras: { locationId: world.highlevel.locationId, contactId: world.contactId, workflowId: 'wf-marketplace-test' },
    meta: { key: 'parley_send_message', version: '1.0' },
  };
  const runKey = `marketplace:${onceKey(request, [data.message, data.channel, null, null])}`;
  const id = `run-other-${startedAt}`;
  await world.parley.store.db
    .insertInto('workflow_runs')
    .values({
      id,
      workflow: SEND_WORKFLOW_NAME,
      trigger_key: `${SEND_WORKFLOW_NAME}:${runKey}`,
      status: 'running',
      input: '{}',
      error: null,
      started_at: startedAt,
      finished_at: null,
      version: null,
    })
    .execute();
  return id;
}

/** That process finishing its send: both steps journaled, the run completed. */
async function otherProcessSent(world: World, runId: string, messageId: string) {
  const at = Date.now();
  const step = (name: string, output: unknown) => ({
    run_id: runId,
    step: name,
    status: 'completed' as const,
    output: JSON.stringify(output),
    started_at: at,
    finished_at: at,
    input: null,
  });
  await world.parley.store.db
    .insertInto('run_steps')
    .values([step('conversation', { id: 'conv-of-the-other-process' }), step('send', { messageId })])
    .execute();
  await world.parley.store.db
    .updateTable('workflow_runs')
    .set({ status: 'completed', finished_at: at })
    .where('id', '=', runId)
    .execute();
}

for (const kind of DATABASE_KINDS) {
  describe(`marketplace custom actions [${kind}]`, () => {
    let world: World;
    beforeAll(async () => {
      world = await startWorld(kind);
    }, 120_000);
    afterAll(async () => {
      await world?.parley.stop();
    });

    it('refuses an action call without the app secret with 401 marketplace_secret_invalid', async () => {
      const res = await fetch(`${world.parley.url}/marketplace/actions/parley_lookup_attendee`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          data: {},
          extras: { locationId: world.highlevel.locationId, contactId: world.contactId },
        }),
      });
      expect(res.status).toBe(401);
      expect((await json(res)).error.code).toBe('marketplace_secret_invalid');
      const wrong = await call(world, 'parley_lookup_attendee', {}, { [MARKETPLACE_SECRET_HEADER]: 'not-the-secret' });
      expect(wrong.status).toBe(401);
    });

    it('looks the registered attendee up by the workflow contact: ticket, type, event, check-in, found branch', async () => {
      const res = await call(world, 'parley_lookup_attendee', {});
      expect(res.status).toBe(200);
      const body = await json(res);
      expect(body).toMatchObject({
        branchId: branchOf('parley_lookup_attendee', 'found'),
        found: true,
        attendee: {
          id: world.barcode,
          email: 'grace.hopper@example.com',
          firstName: 'Grace',
          contactId: world.contactId,
        },
        ticket: { barcode: world.barcode, type: 'VIP' },
        event: { url: SAMPLE_EVENT_URL },
        checkIn: { checkedIn: false },
      });
      expect(typeof body.preferences).toBe('object');
    });

    it('looks the attendee up by email, and answers not found for an email nobody registered with', async () => {
      const byEmail = await json(await call(world, 'parley_lookup_attendee', { email: 'Grace.Hopper@example.com' }));
      expect(byEmail.found).toBe(true);
      expect(byEmail.attendee.id).toBe(world.barcode);
      const nobody = await json(await call(world, 'parley_lookup_attendee', { email: 'nobody@example.com' }));
      expect(nobody).toMatchObject({ branchId: branchOf('parley_lookup_attendee', 'not_found'), found: false });
    });

    it('answers 400 naming the field for a bad email and 404 for an unknown action', async () => {
      const bad = await call(world, 'parley_lookup_attendee', { email: 'not-an-email' });
      expect(bad.status).toBe(400);
      expect((await json(bad)).error).toMatchObject({
        code: 'invalid_action_request',
        message: expect.stringMatching(/^data\.email: /),
      });
      const unknown = await call(world, 'parley_fly_to_the_moon', {});
      expect(unknown.status).toBe(404);
      expect((await json(unknown)).error.code).toBe('unknown_action');
    });

    it("checks the attendee in at Accelevents, flipping the sandbox's check-in state, once", async () => {
      expect((await sandboxTicket(world))?.checkedIn).toBe(false);
      const first = await json(await call(world, 'parley_check_in_attendee', {}));
      expect(first).toMatchObject({
        branchId: branchOf('parley_check_in_attendee', 'checked_in'),
        checkedIn: true,
        alreadyCheckedIn: false,
      });
      expect((await sandboxTicket(world))?.checkedIn).toBe(true);
      const again = await json(await call(world, 'parley_check_in_attendee', {}));
      expect(again).toMatchObject({
        branchId: branchOf('parley_check_in_attendee', 'checked_in'),
        checkedIn: true,
        alreadyCheckedIn: true,
      });
      const lookup = await json(await call(world, 'parley_lookup_attendee', {}));
      expect(lookup.checkIn.checkedIn).toBe(true);
    });

    it('sends the templated message once even when the same call is repeated', async () => {
      const data = { channel: 'SMS', message: 'Hi {{ attendee.firstName }}, your {{ ticket.type }} badge is ready.' };
      const first = await json(await call(world, 'parley_send_message', data));
      expect(first).toMatchObject({ branchId: branchOf('parley_send_message', 'sent'), sent: true, duplicate: false });
      expect(first.messageId).not.toBe('');
      const second = await json(await call(world, 'parley_send_message', data));
      expect(second).toMatchObject({ sent: true, duplicate: true, messageId: first.messageId });
      expect(await sentMessages(world, 'Hi Grace, your VIP badge is ready.')).toBe(1);
    });

    it('sends one message when the same call arrives three times at once', async () => {
      const data = { channel: 'SMS', message: 'See you at the keynote, {{ attendee.firstName }}.' };
      const answers = await Promise.all(
        [1, 2, 3].map(async () => json(await call(world, 'parley_send_message', data))),
      );
      expect(answers.every((answer) => answer.sent === true)).toBe(true);
      expect(answers.filter((answer) => answer.duplicate === false)).toHaveLength(1);
      expect(new Set(answers.map((answer) => answer.messageId)).size).toBe(1);
      expect(await sentMessages(world, 'See you at the keynote, Grace.')).toBe(1);
    });

    it('waits for the same call still sending in another process and answers with its message, sending none', async () => {
      const data = { channel: 'SMS', message: 'Your seat is 12B, {{ attendee.firstName }}.' };
      const runId = await otherProcessSending(world, data, Date.now());
      const answer = call(world, 'parley_send_message', data).then(json);
      // The call is waiting on the other process's run; it must not send meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await sentMessages(world, 'Your seat is 12B, Grace.')).toBe(0);
      await otherProcessSent(world, runId, 'msg-of-the-other-process');
      expect(await answer).toMatchObject({
        branchId: branchOf('parley_send_message', 'sent'),
        sent: true,
        duplicate: true,
        messageId: 'msg-of-the-other-process',
      });
      expect(await sentMessages(world, 'Your seat is 12B, Grace.')).toBe(0);
    });

    it('takes over a send whose process stopped answering long ago, and sends it once', async () => {
      const data = { channel: 'SMS', message: 'Lunch is in hall C, {{ attendee.firstName }}.' };
      await otherProcessSending(world, data, Date.now() - OTHER_SEND_ABANDONED_MS - 5_000);
      const answer = await json(await call(world, 'parley_send_message', data));
      expect(answer).toMatchObject({ branchId: branchOf('parley_send_message', 'sent'), sent: true });
      expect(answer.messageId).not.toBe('');
      expect(await sentMessages(world, 'Lunch is in hall C, Grace.')).toBe(1);
    });

    it('sends again when the workflow fills "Once per" with a new value', async () => {
      const data = { channel: 'SMS', message: 'Doors open at 9, {{ attendee.firstName }}.' };
      const day1 = await json(await call(world, 'parley_send_message', { ...data, oncePer: 'day-1' }));
      const day2 = await json(await call(world, 'parley_send_message', { ...data, oncePer: 'day-2' }));
      expect(day1.duplicate).toBe(false);
      expect(day2.duplicate).toBe(false);
      expect(day2.messageId).not.toBe(day1.messageId);
      expect(await sentMessages(world, 'Doors open at 9, Grace.')).toBe(2);
    });

    it('answers 400 naming data.message for a template that does not compile, and sends nothing', async () => {
      const res = await call(world, 'parley_send_message', { channel: 'SMS', message: 'Hi {{ attendee.firstName ' });
      expect(res.status).toBe(400);
      expect((await json(res)).error.message).toMatch(/^data\.message: /);
    });

    it('adds a note to the attendee record once per repeated call', async () => {
      const first = await json(await call(world, 'parley_add_note', { note: 'Asked about the VIP dinner' }));
      const again = await json(await call(world, 'parley_add_note', { note: 'Asked about the VIP dinner' }));
      expect(first).toMatchObject({ branchId: branchOf('parley_add_note', 'added'), added: true, duplicate: false });
      expect(again).toMatchObject({ added: true, duplicate: true, noteId: first.noteId });
      const notes = await world.parley.store.db
        .selectFrom('attendee_notes')
        .selectAll()
        .where('contact_id', '=', world.contactId)
        .execute();
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatchObject({ attendee_id: world.barcode, body: 'Asked about the VIP dinner' });
    });

    it('answers the options GET HighLevel sends with only the secret header, and refuses it without the secret', async () => {
      const url = `${world.parley.url}/marketplace/options/events`;
      const answered = await fetch(url, { headers: { [MARKETPLACE_SECRET_HEADER]: world.secret } });
      expect(answered.status).toBe(200);
      expect((await json(answered)).options.map((o: { value: string }) => o.value)).toContain(SAMPLE_EVENT_URL);
      const refused = await fetch(url);
      expect(refused.status).toBe(401);
      expect((await json(refused)).error.code).toBe('marketplace_secret_invalid');
      const elsewhere = await fetch(`${url}?locationId=not-installed-location`, {
        headers: { [MARKETPLACE_SECRET_HEADER]: world.secret },
      });
      expect(elsewhere.status).toBe(403);
    });

    it('offers the events and ticket types it knows as options, and the Email subject as a dynamic field', async () => {
      const headers = { [MARKETPLACE_SECRET_HEADER]: world.secret };
      const query = `locationId=${world.highlevel.locationId}`;
      const events = await json(await fetch(`${world.parley.url}/marketplace/options/events?${query}`, { headers }));
      expect(events.options.map((o: { value: string }) => o.value)).toContain(SAMPLE_EVENT_URL);
      const types = await json(
        await fetch(`${world.parley.url}/marketplace/options/ticket-types?${query}&event=${SAMPLE_EVENT_URL}`, {
          headers,
        }),
      );
      expect(types.options).toContainEqual({ label: 'VIP', value: 'VIP' });
      expect(types.options).toContainEqual({ label: 'General Admission', value: 'General Admission' });
      const fields = await json(
        await fetch(`${world.parley.url}/marketplace/fields/parley_send_message`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ data: { channel: 'Email' }, extras: { locationId: world.highlevel.locationId } }),
        }),
      );
      expect(fields.inputs[0].fields[0]).toMatchObject({ field: 'subject', required: true });
    });
  });
}

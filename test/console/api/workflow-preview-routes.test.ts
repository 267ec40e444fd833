/**
 * POST /api/workflows/preview on the real console app, both databases: a draft's templates, send steps
 * and question texts rendered against a trigger sample with the real engine; an SMS's length and
 * segments as sms-segments.ts counts them; a broken template answered with its error in place while
 * the rest renders; bad requests named by their field.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { smsLength } from '../../../src/console/studio/sms-segments.js';
import { BUILTIN_WORKFLOWS_DIR } from '../../../src/features/enabled-workflows.js';
import { type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';
import { VIP_CHECKIN } from './vip-checkin.js';

describe.each(DATABASE_KINDS)('POST /api/workflows/preview [%s]', (kind) => {
  let harness: ConsoleApp;
  let checkinWelcome: Record<string, unknown>;
  const preview = (payload: unknown, role: 'admin' | 'agent' = 'admin') =>
    harness.app.inject({
      method: 'POST',
      url: '/api/workflows/preview',
      headers: harness.auth(role),
      payload: payload as object,
    });

  beforeAll(async () => {
    harness = await startConsoleApp(kind, { attendees: 1, sync: false });
    checkinWelcome = parse(await readFile(join(BUILTIN_WORKFLOWS_DIR, 'checkin-welcome.yaml'), 'utf8'));
  });
  afterAll(async () => harness?.close());

  it('renders each template and the Email step’s subject and body against the chosen sample', async () => {
    const response = await preview({ definition: VIP_CHECKIN, sample: 'attendee-email-only' });
    expect(response.statusCode).toBe(200);
    const answer = response.json();
    expect(answer.sample).toBe('attendee-email-only');
    const email = answer.templates.find((t: { name: string }) => t.name === 'email');
    expect(email).toMatchObject({
      text: 'Hi Jonas, your VIP pass opens the lounge on level 2.',
      error: null,
      channels: ['Email'],
      sms: null,
    });
    expect(answer.messages).toEqual([
      {
        step: 'welcome',
        channel: 'Email',
        subject: { text: 'Welcome to the VIP lounge, Jonas', error: null },
        body: { text: 'Hi Jonas, your VIP pass opens the lounge on level 2.', error: null },
        sms: null,
      },
    ]);
  });

  it('renders against the trigger’s first sample when none is named', async () => {
    const answer = (await preview({ definition: VIP_CHECKIN })).json();
    expect(answer.sample).toBe('attendee-with-phone');
    expect(answer.messages[0].subject.text).toBe('Welcome to the VIP lounge, Maya');
  });

  it('counts an SMS’s characters and segments as sms-segments.ts does', async () => {
    const answer = (await preview({ definition: checkinWelcome, sample: 'attendee-with-phone' })).json();
    const welcome = answer.messages.find((m: { step: string }) => m.step === 'welcome');
    expect(welcome.channel).toBe('SMS');
    expect(welcome.body.text).toContain('Welcome, Maya!');
    expect(welcome.sms).toEqual(smsLength(welcome.body.text));
    expect(welcome.sms).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    const sms = answer.templates.find((t: { name: string }) => t.name === 'sms');
    expect(sms.channels).toEqual(['SMS']);
    expect(sms.sms).toEqual(smsLength(sms.text));
  });

  it('renders the question’s confirmation for its first option and its re-ask', async () => {
    const answer = (await preview({ definition: checkinWelcome })).json();
    expect(answer.question).toMatchObject({
      error: null,
      prompt: "What would you like to hear about while you're here?",
      choices: '1 for keynote updates, 2 for workshop reminders, 3 for networking news',
      confirm: { text: "Thanks! You'll get keynote updates.", error: null },
      reask: {
        text: "Sorry, I didn't catch that. Reply 1 for keynote updates, 2 for workshop reminders, 3 for networking news.",
        error: null,
      },
    });
    expect(answer.question.confirm.sms).toEqual(smsLength(answer.question.confirm.text));
  });

  it('answers a broken template with its error and position, and still renders the others', async () => {
    const definition = {
      ...VIP_CHECKIN,
      templates: { ...VIP_CHECKIN.templates, subject: 'Hello {{ attendee.firstName | shout }}' },
    };
    const answer = (await preview({ definition, sample: 'attendee-email-only' })).json();
    const subject = answer.templates.find((t: { name: string }) => t.name === 'subject');
    expect(subject.text).toBeNull();
    expect(subject.error.message).toContain('shout');
    expect(subject.error).toMatchObject({ line: 1 });
    expect(answer.templates.find((t: { name: string }) => t.name === 'email').text).toContain('Hi Jonas');
    expect(answer.messages[0].subject.error.message).toContain('shout');
  });

  it('shows a placeholder naming the earlier step’s output a text reads', async () => {
    const definition = { ...VIP_CHECKIN, templates: { ref: 'Contact {{ steps.contact.id }}' } };
    const answer = (await preview({ definition })).json();
    expect(answer.templates).toEqual([
      expect.objectContaining({ name: 'ref', text: 'Contact [contact.id]', error: null }),
    ]);
  });

  it('renders extra texts and run data given instead of a sample', async () => {
    const answer = (
      await preview({
        definition: { trigger: 'accelevents.check_in' },
        data: { attendee: { firstName: 'Ada' } },
        texts: { subject: 'For {{ attendee.firstName }}' },
      })
    ).json();
    expect(answer.sample).toBeNull();
    expect(answer.texts).toEqual([{ name: 'subject', text: 'For Ada', error: null, sms: smsLength('For Ada') }]);
  });

  it('says why a half-written question cannot be previewed, and renders the templates', async () => {
    const definition = {
      ...checkinWelcome,
      question: { ...(checkinWelcome.question as object), options: [{ number: 1, value: 'keynote' }] },
    };
    const answer = (await preview({ definition })).json();
    expect(answer.question.error).toBe('options: expected at least two options');
    expect(answer.templates.find((t: { name: string }) => t.name === 'subject').error).toBeNull();
  });

  it('refuses a sample the trigger does not have, naming its samples', async () => {
    const response = await preview({ definition: VIP_CHECKIN, sample: 'nobody' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_request', field: 'sample' });
    expect(response.json().message).toContain('attendee-with-phone, attendee-email-only');
  });

  it('refuses an unknown trigger, naming definition.trigger', async () => {
    const response = await preview({ definition: { ...VIP_CHECKIN, trigger: 'accelevents.nothing' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_request', field: 'definition.trigger' });
    expect(response.json().message).toContain('accelevents.check_in');
  });

  it('refuses a template that is not text, naming it', async () => {
    const response = await preview({ definition: { ...VIP_CHECKIN, templates: { email: 42 } } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ field: 'definition.templates.email' });
  });

  it('refuses a body without a definition', async () => {
    const response = await preview({ sample: 'attendee-email-only' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_request', field: 'definition' });
  });

  it('refuses every role but admin', async () => {
    const response = await preview({ definition: VIP_CHECKIN }, 'agent');
    expect(response.statusCode).toBe(403);
  });
});

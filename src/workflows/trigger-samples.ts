/**
 * Sample events for every trigger: what a run's template scope gets (`WorkflowEvent.data`), with the
 * shapes the code that starts runs builds: src/jobs/accelevents-event-data.ts for the Accelevents
 * triggers, src/jobs/handlers/highlevel-event-handler.ts for inbound messages, and
 * src/jobs/pollers/template-fields.ts for `session.ended` (test/workflows/trigger-samples.test.ts
 * compares the keys with what that code builds). The workflow studio shows them beside a trigger and
 * runs a draft against one; each trigger's first sample is the one the built-in workflows render with.
 */
import { closestNames } from '../lib/closest-names.js';
import type { WorkflowEvent } from './run-workflow.js';
import { TRIGGER_NAMES, type TriggerName } from './triggers.js';
import { WorkflowError } from './workflow-error.js';

export interface TriggerSample {
  /** Unique within its trigger, kebab-case. */
  name: string;
  description: string;
  data: Record<string, unknown>;
}

/** The Accelevents sandbox's first event (src/sandbox/accelevents/sample-events.ts), so samples match `parley simulate`. */
const EVENT = {
  key: 'parley-spring-summit',
  url: 'parley-spring-summit',
  id: '101',
  name: 'Parley Spring Summit 2026',
};

const MAYA = {
  id: '9f2c4e1a-6b3d-4c8e-a5f7-1d2e3b4c5a6f',
  ticketId: '100234',
  orderId: '5000871',
  email: 'maya.patel@example.com',
  firstName: 'Maya',
  lastName: 'Patel',
  phone: '+14155550142',
  ticketType: 'General Admission',
};

/** No phone, so `attendee | channel` is Email and the welcome takes its Email branch. */
const JONAS = {
  id: '3b8d0f27-91ae-4c55-b6d2-7e4f1a9c0d83',
  ticketId: '100235',
  orderId: '5000872',
  email: 'jonas.berg@example.org',
  firstName: 'Jonas',
  lastName: 'Berg',
  phone: null,
  ticketType: 'VIP Pass',
};

function attendee(person: typeof MAYA | typeof JONAS, status: string) {
  return { ...person, status };
}

/** The two people every Accelevents trigger gets a sample for: SMS first, then Email only. */
function bothChannels(status: string, doing: string): TriggerSample[] {
  return [
    {
      name: 'attendee-with-phone',
      description: `${MAYA.firstName} ${doing} with an email and a phone: a welcome goes by SMS`,
      data: { attendee: attendee(MAYA, status), event: EVENT },
    },
    {
      name: 'attendee-email-only',
      description: `${JONAS.firstName} ${doing} with an email and no phone: a welcome goes by Email`,
      data: { attendee: attendee(JONAS, status), event: EVENT },
    },
  ];
}

/** session.ended's event: the config's name for it and the zone its session times are shown in. */
const SESSION_EVENT = { key: EVENT.key, id: EVENT.id, name: EVENT.name, timeZone: 'America/New_York' };

/** Times as sessionFields (src/jobs/pollers/template-fields.ts) words them for 13:30–14:30 UTC, 4 May 2026. */
const ENDED_SESSION = {
  id: '10102',
  title: 'Workshop: registration that runs itself',
  format: 'Workshop',
  formatCode: 'WORKSHOP',
  date: 'Mon, May 4, 2026',
  startTime: '9:30 AM EDT',
  endTime: '10:30 AM EDT',
  when: 'Mon, May 4, 2026, 9:30 AM to 10:30 AM EDT',
  zone: 'EDT',
  startsAt: Date.UTC(2026, 4, 4, 13, 30),
  endsAt: Date.UTC(2026, 4, 4, 14, 30),
  recordingUrl: 'https://media.example.com/parley-spring-summit/10102/recording',
};

/** A HighLevel location id as the samples' messages carry it; sampleEvent puts the run's own there. */
const SAMPLE_LOCATION_ID = 'sampleLocation0000001';

const CONTACT_MAYA = {
  id: 'k3Xq9PzR2mVbT7nL4wYc',
  tags: ['accelevents'],
  firstName: MAYA.firstName,
  lastName: MAYA.lastName,
  email: MAYA.email,
  phone: MAYA.phone,
};

const CONTACT_JONAS = {
  id: 'Tq8WcN1vYh5Lr0aK6sDe',
  tags: ['accelevents'],
  firstName: JONAS.firstName,
  lastName: JONAS.lastName,
  email: JONAS.email,
  phone: null,
};

/** `sponsorChannel` as src/jobs/handlers/route-to-sponsors.ts builds it. */
interface SponsorRouting {
  matched: string[];
  joined: string[];
  joinedNames: string;
  joinedTags: string[];
}

const NO_SPONSOR: SponsorRouting = { matched: [], joined: [], joinedNames: '', joinedTags: [] };

function inbound(
  contact: typeof CONTACT_MAYA | typeof CONTACT_JONAS,
  message: { id: string; body: string; messageType: string; conversationId: string; dateAdded: string },
  links: { checkIn: { eventKey: string; attendeeId: string } | null; registered: boolean },
  sponsorChannel: SponsorRouting,
): Record<string, unknown> {
  return {
    message: { ...message, contactId: contact.id, locationId: SAMPLE_LOCATION_ID },
    contact,
    links,
    sponsorChannel,
  };
}

export const TRIGGER_SAMPLES: Record<TriggerName, readonly TriggerSample[]> = {
  'accelevents.registration': bothChannels('BOOKED', 'registered'),
  'accelevents.check_in': bothChannels('CHECKED_IN', 'checked in'),
  'accelevents.ticket_purchase': bothChannels('BOOKED', 'bought a ticket'),
  'accelevents.ticket_status_changed': [
    {
      name: 'ticket-refunded',
      description: `${MAYA.firstName}'s ticket was refunded`,
      data: { attendee: attendee(MAYA, 'REFUNDED'), event: EVENT },
    },
    {
      name: 'ticket-cancelled',
      description: `${JONAS.firstName}'s ticket was cancelled (no phone)`,
      data: { attendee: attendee(JONAS, 'CANCELLED'), event: EVENT },
    },
  ],
  'accelevents.session_check_in': [
    {
      name: 'workshop-check-in',
      description: `${MAYA.firstName} checked in to a workshop`,
      data: {
        attendee: attendee(MAYA, 'CHECKED_IN'),
        event: EVENT,
        session: { id: ENDED_SESSION.id, name: ENDED_SESSION.title },
      },
    },
  ],
  'highlevel.inbound_message': [
    {
      name: 'checked-in-sms-reply',
      description: `${MAYA.firstName}, checked in, answers the preference question by SMS`,
      data: inbound(
        CONTACT_MAYA,
        {
          id: 'm7Rk2Vq9Zx4Lp1Nc8Hbt',
          body: '2 please',
          messageType: 'SMS',
          conversationId: 'c4Lm8Qw2Er6Ty0Ui3Opa',
          dateAdded: '2026-05-04T14:32:10.000Z',
        },
        { checkIn: { eventKey: EVENT.key, attendeeId: MAYA.id }, registered: true },
        NO_SPONSOR,
      ),
    },
    {
      name: 'checked-in-email-reply',
      description: `${JONAS.firstName}, checked in and with no phone, answers by Email`,
      data: inbound(
        CONTACT_JONAS,
        {
          id: 'e2Wq7Ns4Kd9Fg1Hj5Lzx',
          body: 'Workshops, please!',
          messageType: 'Email',
          conversationId: 'v9Bn3Mc6Xz1As8Df4Ghq',
          dateAdded: '2026-05-04T14:40:02.000Z',
        },
        { checkIn: { eventKey: EVENT.key, attendeeId: JONAS.id }, registered: true },
        NO_SPONSOR,
      ),
    },
    {
      name: 'message-naming-a-sponsor',
      description: `${MAYA.firstName} asks about a sponsor's booth; the message joins Acme's sponsor channel`,
      data: inbound(
        CONTACT_MAYA,
        {
          id: 'p5Tg8Yh1Uj4Ik7Ol0Zmw',
          body: 'Is the ACME booth doing demos today?',
          messageType: 'SMS',
          conversationId: 'c4Lm8Qw2Er6Ty0Ui3Opa',
          dateAdded: '2026-05-04T15:05:47.000Z',
        },
        { checkIn: null, registered: true },
        { matched: ['Acme'], joined: ['Acme'], joinedNames: 'Acme', joinedTags: ['sponsor:acme'] },
      ),
    },
    {
      name: 'sponsor-contact-message',
      description: 'a contact tagged sponsor writes in (the deprecated sponsor relay forwards it to staff)',
      data: inbound(
        {
          id: 'Sp0nS7rC0nT4cT9xYz12',
          tags: ['sponsor'],
          firstName: 'Dana',
          lastName: 'Reyes',
          email: 'dana.reyes@acme.example',
          phone: '+12125550187',
        },
        {
          id: 'r3Lk6Jh9Gf2Ds5Aq8Wer',
          body: 'Our booth opens at 10 tomorrow, can you let attendees know?',
          messageType: 'SMS',
          conversationId: 'y7Ui0Op3As6Df9Gh2Jkl',
          dateAdded: '2026-05-04T16:12:30.000Z',
        },
        { checkIn: null, registered: false },
        NO_SPONSOR,
      ),
    },
  ],
  'session.ended': [
    {
      name: 'attendee-with-recording',
      description: `${MAYA.firstName} attended a workshop that has a recording`,
      data: { session: ENDED_SESSION, event: SESSION_EVENT, attendee: attendee(MAYA, 'CHECKED_IN') },
    },
    {
      name: 'email-only-no-recording',
      description: `${JONAS.firstName}, with no phone, attended a workshop with no recording yet`,
      data: {
        session: { ...ENDED_SESSION, recordingUrl: null },
        event: SESSION_EVENT,
        attendee: attendee(JONAS, 'CHECKED_IN'),
      },
    },
  ],
};

/** The sample named `sampleName` of `trigger`; a clear error naming the trigger's samples otherwise. */
export function findTriggerSample(trigger: string, sampleName: string): TriggerSample {
  if (!(TRIGGER_NAMES as readonly string[]).includes(trigger)) {
    throw new WorkflowError(
      'unknown_trigger_sample',
      `trigger: "${trigger}" is not a trigger; expected one of ${TRIGGER_NAMES.join(', ')}`,
    );
  }
  const samples = TRIGGER_SAMPLES[trigger as TriggerName];
  const sample = samples.find((s) => s.name === sampleName);
  if (sample) return sample;
  const names = samples.map((s) => s.name);
  const closest = closestNames(sampleName, names, 1);
  throw new WorkflowError(
    'unknown_trigger_sample',
    `sample: ${trigger} has no sample "${sampleName}"; expected one of ${names.join(', ')}${closest.length > 0 ? ` (closest: ${closest[0]})` : ''}`,
  );
}

/**
 * The run key of a run started from a sample: `sample:<trigger>:<sample>[:<nonce>]`. Real keys start
 * with the topic or `message:`/`session-ended:`, so a sample run never finds (or blocks) a real run;
 * a nonce makes each try its own run instead of finding the previous one finished.
 */
export function sampleEventKey(trigger: TriggerName, sampleName: string, nonce?: string): string {
  return `sample:${trigger}:${sampleName}${nonce === undefined || nonce === '' ? '' : `:${nonce}`}`;
}

/** A WorkflowEvent from a sample, for a test run in `locationId` (an inbound message's locationId is set to it). */
export function sampleEvent(
  trigger: TriggerName,
  sampleName: string,
  options: { locationId: string; nonce?: string },
): WorkflowEvent {
  const sample = findTriggerSample(trigger, sampleName);
  const data = structuredClone(sample.data);
  const message = data.message as Record<string, unknown> | undefined;
  if (message !== undefined) message.locationId = options.locationId;
  return { key: sampleEventKey(trigger, sampleName, options.nonce), locationId: options.locationId, data };
}

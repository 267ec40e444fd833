/**
 * The custom workflow actions parley offers inside HighLevel's workflow builder: the single source of
 * truth for the routes (src/marketplace/actions/) and for `parley marketplace export`
 * (src/marketplace/export/). Field types, custom variables and branches follow the official
 * marketplace CLI's action file (https://github.com/GoHighLevel/marketplace-cli,
 * src/lib/workflows/actions/guide.ts); docs/marketplace.md explains each action.
 *
 * HighLevel documents no timeout for a synchronous action
 * (https://github.com/GoHighLevel/highlevel-api-docs/issues/323), so each action states its own: parley
 * answers within it, with the `failed` branch and `reason: timeout` when the work did not finish.
 */

export const ACTION_KEYS = [
  'parley_lookup_attendee',
  'parley_check_in_attendee',
  'parley_add_note',
  'parley_send_message',
] as const;
export type ActionKey = (typeof ACTION_KEYS)[number];

/** Where a select's options come from: GET /marketplace/options/<source>. */
export type OptionsSource = 'events' | 'ticket-types';

export interface ActionField {
  /** The key in the call's `data`. */
  field: string;
  title: string;
  fieldType: 'string' | 'textarea' | 'select' | 'DYNAMIC';
  required: boolean;
  helpText?: string;
  placeholder?: string;
  /** Static options of a select. */
  options?: readonly { label: string; value: string }[];
  /** Options parley serves, for a select. */
  optionsSource?: OptionsSource;
  /** HighLevel's predefined check, e.g. isValidEmail. */
  validation?: { rule: 'isValidEmail'; errorMessage: string };
}

/** A value of the answer that later workflow steps can use (`customVars`). */
export interface ActionOutput {
  name: string;
  /** Dot path into the answer. */
  reference: string;
  fieldType: 'string' | 'numerical' | 'boolean' | 'date' | 'array';
}

export interface ActionBranch {
  /** What parley answers as `branchId`: fixed once, since workflows refer to it. */
  id: string;
  /** parley's name for the outcome, e.g. `found`. */
  key: string;
  name: string;
}

export interface MarketplaceAction {
  key: ActionKey;
  name: string;
  /** At most 200 characters (the CLI's limit on `info.description`). */
  description: string;
  /** At most 500 characters. */
  summary: string;
  fields: readonly ActionField[];
  /** A representative answer (`customVarsJson`): exactly the shape parley answers with. */
  sampleOutput: Record<string, unknown>;
  outputs: readonly ActionOutput[];
  branches: readonly ActionBranch[];
  /** parley answers within this many milliseconds. */
  timeoutMs: number;
}

const EVENT_FIELD: ActionField = {
  field: 'event',
  title: 'Event',
  fieldType: 'select',
  required: false,
  optionsSource: 'events',
  helpText: "Only this event's ticket. Empty: the attendee's latest registration.",
};

const EMAIL_FIELD: ActionField = {
  field: 'email',
  title: 'Attendee email',
  fieldType: 'string',
  required: false,
  helpText: "Finds the attendee by this email instead of the workflow's contact.",
  placeholder: '{{contact.email}}',
  validation: { rule: 'isValidEmail', errorMessage: 'Enter an email address' },
};

const ATTENDEE_SAMPLE = {
  id: 'AE-7F3K2Q',
  email: 'ada@example.com',
  firstName: 'Ada',
  lastName: 'Lovelace',
  contactId: 'contact-123',
};

const TICKET_SAMPLE = {
  barcode: 'AE-7F3K2Q',
  ticketId: '48213',
  orderId: '90211',
  type: 'General Admission',
  status: 'paid',
};

const EVENT_SAMPLE = { url: 'devconf-2026', name: 'DevConf 2026' };

const ATTENDEE_OUTPUTS: readonly ActionOutput[] = [
  { name: 'Attendee id (barcode)', reference: 'attendee.id', fieldType: 'string' },
  { name: 'Attendee email', reference: 'attendee.email', fieldType: 'string' },
  { name: 'Attendee first name', reference: 'attendee.firstName', fieldType: 'string' },
  { name: 'Attendee last name', reference: 'attendee.lastName', fieldType: 'string' },
  { name: 'Ticket type', reference: 'ticket.type', fieldType: 'string' },
  { name: 'Ticket status', reference: 'ticket.status', fieldType: 'string' },
  { name: 'Order id', reference: 'ticket.orderId', fieldType: 'string' },
  { name: 'Event URL', reference: 'event.url', fieldType: 'string' },
  { name: 'Event name', reference: 'event.name', fieldType: 'string' },
  { name: 'Checked in', reference: 'checkIn.checkedIn', fieldType: 'boolean' },
];

export const ACTION_CATALOG: readonly MarketplaceAction[] = [
  {
    key: 'parley_lookup_attendee',
    name: 'Look up Accelevents attendee',
    description: "The contact's Accelevents ticket, event, check-in state and preference answers.",
    summary:
      "Finds the attendee parley linked to this contact (or to the email given) and returns their ticket, ticket type, event, whether they checked in, and their answers to parley's preference question. Branches: Found, Not found.",
    fields: [EMAIL_FIELD, EVENT_FIELD],
    sampleOutput: {
      branchId: 'c9708835-db14-49b9-8255-31a6e55623e9',
      found: true,
      reason: '',
      attendee: ATTENDEE_SAMPLE,
      ticket: TICKET_SAMPLE,
      event: EVENT_SAMPLE,
      checkIn: { checkedIn: true },
      preferences: { updates: 'workshops' },
    },
    outputs: [
      { name: 'Found', reference: 'found', fieldType: 'boolean' },
      { name: 'Why not found', reference: 'reason', fieldType: 'string' },
      ...ATTENDEE_OUTPUTS,
      { name: 'Preference: updates', reference: 'preferences.updates', fieldType: 'string' },
    ],
    branches: [
      { id: 'c9708835-db14-49b9-8255-31a6e55623e9', key: 'found', name: 'Found' },
      { id: '5eda405a-f685-4043-a531-9273d76421ac', key: 'not_found', name: 'Not found' },
    ],
    timeoutMs: 8_000,
  },
  {
    key: 'parley_check_in_attendee',
    name: 'Check attendee in at Accelevents',
    description:
      "Checks the contact's Accelevents ticket in by its barcode; an attendee already in counts as checked in.",
    summary:
      "Checks the attendee parley linked to this contact (or to the email given) in at Accelevents, by the ticket's barcode. Calling it again for an attendee who is already in changes nothing and takes the Checked in branch. Branches: Checked in, Failed (no ticket, refunded, or Accelevents refused).",
    fields: [EMAIL_FIELD, EVENT_FIELD],
    sampleOutput: {
      branchId: '2942332c-4116-44d2-b395-a16e3641b666',
      checkedIn: true,
      alreadyCheckedIn: false,
      reason: '',
      attendee: ATTENDEE_SAMPLE,
      event: EVENT_SAMPLE,
    },
    outputs: [
      { name: 'Checked in', reference: 'checkedIn', fieldType: 'boolean' },
      { name: 'Was already checked in', reference: 'alreadyCheckedIn', fieldType: 'boolean' },
      { name: 'Why it failed', reference: 'reason', fieldType: 'string' },
      { name: 'Attendee id (barcode)', reference: 'attendee.id', fieldType: 'string' },
      { name: 'Event URL', reference: 'event.url', fieldType: 'string' },
    ],
    branches: [
      { id: '2942332c-4116-44d2-b395-a16e3641b666', key: 'checked_in', name: 'Checked in' },
      { id: 'df2c0c8d-62c1-49eb-9f3a-b12582de4e8a', key: 'failed', name: 'Failed' },
    ],
    timeoutMs: 10_000,
  },
  {
    key: 'parley_add_note',
    name: 'Add note to parley attendee',
    description: "Adds a note to the contact's attendee record in parley.",
    summary:
      'Stores a note on the attendee parley linked to this contact (or on the contact alone when parley knows no attendee for it). A repeated call with the same workflow, contact, note and "Once per" value adds nothing. Branches: Added, Failed.',
    fields: [
      {
        field: 'note',
        title: 'Note',
        fieldType: 'textarea',
        required: true,
        placeholder: 'Asked about the VIP dinner',
      },
      {
        field: 'oncePer',
        title: 'Once per',
        fieldType: 'string',
        required: false,
        helpText:
          'A value that makes a call distinct, e.g. a date. Empty: the same note is added at most once per contact and workflow.',
      },
    ],
    sampleOutput: {
      branchId: '76520ca8-870a-492d-a5b3-56259872cc8e',
      added: true,
      duplicate: false,
      noteId: '01JDXQ4S8Z6V3W2N7K5B9C1D0E',
      reason: '',
    },
    outputs: [
      { name: 'Added', reference: 'added', fieldType: 'boolean' },
      { name: 'Already added', reference: 'duplicate', fieldType: 'boolean' },
      { name: 'Note id', reference: 'noteId', fieldType: 'string' },
      { name: 'Why it failed', reference: 'reason', fieldType: 'string' },
    ],
    branches: [
      { id: '76520ca8-870a-492d-a5b3-56259872cc8e', key: 'added', name: 'Added' },
      { id: '959b5f77-942a-4e91-aa60-ca4c5919c305', key: 'failed', name: 'Failed' },
    ],
    timeoutMs: 5_000,
  },
  {
    key: 'parley_send_message',
    name: 'Send parley message to attendee',
    description: "Sends the contact a message written with parley's templates (attendee, ticket, event, preferences).",
    summary:
      'Renders the message (Liquid: {{ attendee.firstName }}, {{ ticket.type }}, {{ event.name }}, {{ preferences.updates }}) and sends it in the contact\'s conversation by SMS or Email. A repeated call with the same workflow, contact, message and "Once per" value sends nothing again. Branches: Sent, Failed.',
    fields: [
      {
        field: 'channel',
        title: 'Channel',
        fieldType: 'select',
        required: true,
        options: [
          { label: 'SMS, else Email', value: 'auto' },
          { label: 'SMS', value: 'SMS' },
          { label: 'Email', value: 'Email' },
        ],
      },
      {
        field: 'message',
        title: 'Message',
        fieldType: 'textarea',
        required: true,
        placeholder: 'Hi {{ attendee.firstName }}, your {{ ticket.type }} ticket for {{ event.name }} is ready.',
      },
      {
        field: 'oncePer',
        title: 'Once per',
        fieldType: 'string',
        required: false,
        helpText:
          'A value that makes a send distinct, e.g. a date. Empty: the same message goes at most once per contact and workflow.',
      },
      { field: 'DYNAMIC', title: 'Email details', fieldType: 'DYNAMIC', required: false },
    ],
    sampleOutput: {
      branchId: '7346ad5d-5dad-45c3-9a4d-5883f2a7856c',
      sent: true,
      duplicate: false,
      messageId: 'msg-123',
      conversationId: 'conv-123',
      channel: 'SMS',
      reason: '',
    },
    outputs: [
      { name: 'Sent', reference: 'sent', fieldType: 'boolean' },
      { name: 'Already sent', reference: 'duplicate', fieldType: 'boolean' },
      { name: 'Message id', reference: 'messageId', fieldType: 'string' },
      { name: 'Conversation id', reference: 'conversationId', fieldType: 'string' },
      { name: 'Channel', reference: 'channel', fieldType: 'string' },
      { name: 'Why it failed', reference: 'reason', fieldType: 'string' },
    ],
    branches: [
      { id: '7346ad5d-5dad-45c3-9a4d-5883f2a7856c', key: 'sent', name: 'Sent' },
      { id: 'e519dca6-4268-4a21-9cd3-1d6eabc16193', key: 'failed', name: 'Failed' },
    ],
    timeoutMs: 15_000,
  },
];

export function isActionKey(value: string): value is ActionKey {
  return (ACTION_KEYS as readonly string[]).includes(value);
}

export function findMarketplaceAction(key: ActionKey): MarketplaceAction {
  const action = ACTION_CATALOG.find((entry) => entry.key === key);
  if (!action) throw new Error(`no marketplace action ${key} in the catalog`);
  return action;
}

/** The `branchId` parley answers for an outcome of an action. */
export function branchIdOf(action: MarketplaceAction, key: string): string {
  const branch = action.branches.find((entry) => entry.key === key);
  if (!branch) throw new Error(`marketplace action ${action.key} has no branch ${key}`);
  return branch.id;
}

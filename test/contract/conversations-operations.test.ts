/**
 * Contract tests: every one of the 29 Conversations operations, called through parley's client over
 * real HTTP against the sandbox, answers with a body that matches HighLevel's published response
 * schema (patched for the documented defects), validated with ajv. Run in order: later operations use
 * ids created by earlier ones, and the conversation is deleted last.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHighLevelClient, type HighLevelClient } from '../../src/highlevel/client.js';
import type { CallInput } from '../../src/highlevel/client-types.js';
import { CONVERSATION_OPERATIONS } from '../../src/highlevel/generated/operations.js';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';
import { successValidator } from '../helpers/spec-validator.js';

interface Ids {
  locationId: string;
  contactId: string;
  conversationId: string;
  messageId: string;
  scheduledMessageId: string;
  scheduledEmailId: string;
  emailMessageId: string;
  callMessageId: string;
  subtypeId: string;
  uploadId: string;
  uploadPath: string;
}

type Step = {
  operationId: string;
  input: (ids: Ids) => CallInput;
  /** Extra assertions, and ids to remember for later steps. */
  after?: (data: any, ids: Ids) => void;
};

const future = () => Math.floor(Date.now() / 1000) + 3600;

const STEPS: Step[] = [
  {
    operationId: 'create-conversation',
    input: (ids) => ({ body: { locationId: ids.locationId, contactId: ids.contactId } }),
    after: (data, ids) => {
      ids.conversationId = data.conversation.id;
    },
  },
  { operationId: 'get-conversation', input: (ids) => ({ path: { conversationId: ids.conversationId } }) },
  {
    operationId: 'search-conversation',
    input: (ids) => ({ query: { locationId: ids.locationId, contactId: ids.contactId } }),
    after: (data, ids) => expect(data.conversations.map((c: any) => c.id)).toEqual([ids.conversationId]),
  },
  {
    operationId: 'update-conversation',
    input: (ids) => ({
      path: { conversationId: ids.conversationId },
      body: { locationId: ids.locationId, starred: true, unreadCount: 0 },
    }),
    after: (data) => expect(data.conversation.starred).toBe(true),
  },
  {
    operationId: 'send-a-new-message',
    input: (ids) => ({
      body: {
        type: 'SMS',
        subType: 'SMS',
        status: 'pending',
        contactId: ids.contactId,
        message: 'Welcome to the event!',
      },
    }),
    after: (data, ids) => {
      ids.messageId = data.messageId;
      expect(data.conversationId).toBe(ids.conversationId);
    },
  },
  {
    operationId: 'get-message',
    input: (ids) => ({ path: { id: ids.messageId } }),
    after: (data) => expect(data.body).toBe('Welcome to the event!'),
  },
  {
    operationId: 'get-messages',
    input: (ids) => ({ path: { conversationId: ids.conversationId }, query: { limit: 20 } }),
    after: (data, ids) => expect(data.messages.map((m: any) => m.id)).toContain(ids.messageId),
  },
  {
    operationId: 'update-message-status',
    input: (ids) => ({ path: { messageId: ids.messageId }, body: { status: 'read' } }),
  },
  {
    operationId: 'send-a-new-message',
    input: (ids) => ({
      body: {
        type: 'SMS',
        subType: 'SMS',
        status: 'pending',
        contactId: ids.contactId,
        message: 'See you tomorrow',
        scheduledTimestamp: future(),
      },
    }),
    after: (data, ids) => {
      ids.scheduledMessageId = data.messageId;
    },
  },
  {
    operationId: 'cancel-scheduled-message',
    input: (ids) => ({ path: { messageId: ids.scheduledMessageId } }),
    after: (data) => expect(data.status).toBe(200),
  },
  {
    operationId: 'send-a-new-message',
    input: (ids) => ({
      body: {
        type: 'Email',
        subType: 'Email',
        status: 'pending',
        contactId: ids.contactId,
        subject: 'Your badge',
        html: '<p>Your badge is ready</p>',
        scheduledTimestamp: future(),
      },
    }),
    after: (data, ids) => {
      ids.scheduledEmailId = data.emailMessageId;
      expect(ids.scheduledEmailId).toBeTruthy();
    },
  },
  { operationId: 'get-email-by-id', input: (ids) => ({ path: { id: ids.scheduledEmailId } }) },
  {
    operationId: 'cancel-scheduled-email-message',
    input: (ids) => ({ path: { emailMessageId: ids.scheduledEmailId } }),
    after: (data) => expect(data.status).toBe(200),
  },
  {
    operationId: 'add-an-inbound-message',
    input: (ids) => ({
      body: {
        type: 'SMS',
        conversationId: ids.conversationId,
        contactId: ids.contactId,
        conversationProviderId: 'sandbox-provider',
        message: 'Is there parking at the venue?',
      },
    }),
  },
  {
    operationId: 'add-an-outbound-message',
    input: (ids) => ({
      body: {
        type: 'Call',
        conversationId: ids.conversationId,
        conversationProviderId: 'sandbox-call-provider',
        call: { to: '+15550100', from: '+15550199', status: 'completed' },
      },
    }),
  },
  {
    operationId: 'get-message-recording',
    input: (ids) => ({ path: { locationId: ids.locationId, messageId: ids.callMessageId } }),
    after: (data: Buffer) => {
      expect(Buffer.isBuffer(data)).toBe(true);
      expect(data.subarray(0, 4).toString('ascii')).toBe('RIFF');
      expect(data.subarray(8, 12).toString('ascii')).toBe('WAVE');
    },
  },
  {
    operationId: 'get-message-transcription',
    input: (ids) => ({ path: { locationId: ids.locationId, messageId: ids.callMessageId } }),
    after: (data) => expect(data.length).toBeGreaterThan(0),
  },
  {
    operationId: 'download-message-transcription',
    input: (ids) => ({ path: { locationId: ids.locationId, messageId: ids.callMessageId } }),
    after: (data: string) => expect(data).toMatch(/^\[\d\d:\d\d:\d\d\]/),
  },
  {
    operationId: 'export-messages-by-location',
    input: (ids) => ({ query: { locationId: ids.locationId, channel: 'SMS', limit: 10 } }),
  },
  {
    operationId: 'upload-file-attachments',
    input: (ids) => ({
      body: { conversationId: ids.conversationId, contactId: ids.contactId, locationId: ids.locationId },
      files: [{ name: 'agenda.pdf', data: Buffer.from('%PDF-1.4 sandbox'), contentType: 'application/pdf' }],
    }),
    after: (data) => expect(Object.keys(data.uploadedFiles)).toEqual(['agenda.pdf']),
  },
  {
    operationId: 'initiate-file-upload',
    input: (ids) => ({
      body: {
        locationId: ids.locationId,
        conversationId: ids.conversationId,
        filename: 'floorplan.png',
        contentType: 'image/png',
        channel: 'SMS',
      },
    }),
    after: (data, ids) => {
      ids.uploadId = data.uploadId;
      ids.uploadPath = data.filePath;
    },
  },
  {
    operationId: 'complete-file-upload',
    input: (ids) => ({
      body: {
        uploadId: ids.uploadId,
        filePath: ids.uploadPath,
        locationId: ids.locationId,
        conversationId: ids.conversationId,
        filename: 'floorplan.png',
      },
    }),
  },
  {
    operationId: 'add-message-attachments',
    input: (ids) => ({
      path: { messageId: ids.callMessageId },
      body: { attachments: ['https://example.invalid/call-notes.pdf'] },
    }),
  },
  {
    operationId: 'send-review-reply',
    input: (ids) => ({
      body: { conversationId: ids.conversationId, locationId: ids.locationId, message: 'Thanks for the review!' },
    }),
  },
  {
    operationId: 'live-chat-agent-typing',
    input: (ids) => ({
      body: {
        locationId: ids.locationId,
        isTyping: 'true',
        visitorId: 'visitor-1',
        conversationId: ids.conversationId,
      },
    }),
  },
  {
    operationId: 'create-custom-subtype',
    input: (ids) => ({
      query: { locationId: ids.locationId },
      body: { name: 'Event updates', channel: 'email', language: 'en' },
    }),
    after: (data, ids) => {
      ids.subtypeId = data.customSubtype.id;
    },
  },
  { operationId: 'get-all-custom-subtypes', input: (ids) => ({ query: { locationId: ids.locationId } }) },
  {
    operationId: 'update-custom-subtype',
    input: (ids) => ({
      path: { id: ids.subtypeId },
      query: { locationId: ids.locationId },
      body: { description: 'Schedule changes and room moves' },
    }),
  },
  {
    operationId: 'user-subscription-change',
    input: (ids) => ({
      body: {
        locationId: ids.locationId,
        contactId: ids.contactId,
        email: 'ada.contract@example.com',
        subscription_action: { type: 'default', subtype_name: 'One on One', subtype_status: 'unsubscribed' },
      },
    }),
  },
  {
    operationId: 'get-contact-unsubscription-status',
    input: (ids) => ({ query: { locationId: ids.locationId, contactId: ids.contactId } }),
  },
  {
    operationId: 'delete-conversation',
    input: (ids) => ({ path: { conversationId: ids.conversationId } }),
    after: (data) => expect(data.success).toBe(true),
  },
];

describe('contract: all 29 Conversations operations against the sandbox', () => {
  let handle: SandboxHandle;
  let client: HighLevelClient;
  const ids = {} as Ids;

  beforeAll(async () => {
    handle = await withSandbox({ attendees: 1 });
    // A fresh location so the defaults seeded at start cannot satisfy an assertion by accident.
    const { location, seeded } = handle.sandbox.addLocation({ attendees: 1 });
    ids.locationId = location.id;
    ids.callMessageId = seeded!.callMessageId;
    const token = handle.sandbox.issueToken({ locationId: location.id }).accessToken;
    client = createHighLevelClient({ baseUrl: handle.url, auth: { getAccessToken: async () => token }, maxRetries: 0 });
    const upserted = await client.contacts.upsertContact({
      locationId: location.id,
      email: 'ada.contract@example.com',
      phone: '+15550142',
      firstName: 'Ada',
      lastName: 'Contract',
    });
    ids.contactId = upserted.contact.id;
  });
  afterAll(async () => handle?.close());

  it('has a step for every catalogued operation', () => {
    const covered = new Set(STEPS.map((s) => s.operationId));
    expect([...covered].sort()).toEqual(CONVERSATION_OPERATIONS.map((op) => op.operationId).sort());
  });

  for (const [index, step] of STEPS.entries()) {
    const op = CONVERSATION_OPERATIONS.find((o) => o.operationId === step.operationId)!;
    it(`${step.operationId} (${op.method} ${op.path}) answers ${op.successStatus} with a spec-shaped body [step ${index + 1}]`, async () => {
      const result = await client.call(step.operationId, step.input(ids));
      expect(result.status).toBe(op.successStatus);
      const validate = successValidator(op);
      if (validate && !validate(result.data)) {
        throw new Error(`${step.operationId} body does not match the spec: ${JSON.stringify(validate.errors)}`);
      }
      if (op.responseKind === 'unspecified') expect(typeof result.data).toBe('object');
      for (const header of ['max', 'remaining', 'intervalMs', 'dailyLimit', 'dailyRemaining'] as const) {
        expect(result.rateLimit[header], header).toEqual(expect.any(Number));
      }
      step.after?.(result.data, ids);
    });
  }
});

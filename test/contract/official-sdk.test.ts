/**
 * The official HighLevel SDK (@gohighlevel/api-client), constructed with its defaults, drives the 14
 * conversation operations parley supports against the sandbox over loopback HTTP. Its defaults are
 * what real integrations send: `Version: 2023-02-21` and `Content-Type: application/json` on every
 * request, DELETEs included. The SDK rejects any non-2xx answer with a GHLError, so a call that
 * resolves answered 2xx.
 *
 * Only two things are supplied: a Private Integration Token (the SDK's simplest token option) and the
 * base URL, which the SDK keeps in a private static and so is set on the axios instance it exposes.
 * Steps run in order: later operations use ids created by earlier ones, the conversation is deleted last.
 */
import { HighLevel } from '@gohighlevel/api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxHandle, withSandbox } from '../helpers/sandbox.js';

interface Ids {
  locationId: string;
  contactId: string;
  conversationId: string;
  messageId: string;
  callMessageId: string;
}

type Step = { operationId: string; run: (ghl: HighLevel, ids: Ids) => Promise<void> };

const future = () => Math.floor(Date.now() / 1000) + 3600;

/** The SDK's GHLError, as an assertion failure that names the status and the sandbox's answer. */
async function sdk<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    const { statusCode, response, message } = error as { statusCode?: number; response?: unknown; message: string };
    throw new Error(`SDK call failed with ${statusCode ?? 'no status'}: ${JSON.stringify(response) ?? message}`);
  }
}

const STEPS: Step[] = [
  {
    operationId: 'create-conversation',
    run: async (ghl, ids) => {
      const data = await sdk(
        ghl.conversations.createConversation({ locationId: ids.locationId, contactId: ids.contactId }),
      );
      ids.conversationId = data.conversation.id;
      expect(ids.conversationId).toEqual(expect.any(String));
    },
  },
  {
    operationId: 'get-conversation',
    run: async (ghl, ids) => {
      const data = await sdk(ghl.conversations.getConversation({ conversationId: ids.conversationId }));
      expect(data.id).toBe(ids.conversationId);
    },
  },
  {
    operationId: 'search-conversation',
    run: async (ghl, ids) => {
      const data = await sdk(
        ghl.conversations.searchConversation({ locationId: ids.locationId, contactId: ids.contactId }),
      );
      expect(data.conversations.map((c: { id: string }) => c.id)).toEqual([ids.conversationId]);
    },
  },
  {
    operationId: 'update-conversation',
    run: async (ghl, ids) => {
      const data = await sdk(
        ghl.conversations.updateConversation(
          { conversationId: ids.conversationId },
          { locationId: ids.locationId, starred: true, unreadCount: 0 },
        ),
      );
      expect(data.conversation.starred).toBe(true);
    },
  },
  {
    operationId: 'send-a-new-message',
    run: async (ghl, ids) => {
      const data = await sdk(
        ghl.conversations.sendANewMessage({
          type: 'SMS',
          subType: 'SMS',
          status: 'pending',
          contactId: ids.contactId,
          message: 'Welcome to the event!',
        }),
      );
      ids.messageId = data.messageId;
      expect(data.conversationId).toBe(ids.conversationId);
    },
  },
  {
    operationId: 'update-message-status',
    run: async (ghl, ids) => {
      await sdk(ghl.conversations.updateMessageStatus({ messageId: ids.messageId }, { status: 'read' }));
    },
  },
  {
    operationId: 'add-an-inbound-message',
    run: async (ghl, ids) => {
      const data = await sdk(
        ghl.conversations.addAnInboundMessage({
          type: 'SMS',
          conversationId: ids.conversationId,
          contactId: ids.contactId,
          conversationProviderId: 'sandbox-provider',
          message: 'Is there parking at the venue?',
        }),
      );
      expect(data.conversationId).toBe(ids.conversationId);
    },
  },
  {
    operationId: 'cancel-scheduled-message',
    run: async (ghl, ids) => {
      const scheduled = await sdk(
        ghl.conversations.sendANewMessage({
          type: 'SMS',
          subType: 'SMS',
          status: 'pending',
          contactId: ids.contactId,
          message: 'See you tomorrow',
          scheduledTimestamp: future(),
        }),
      );
      const data = await sdk(ghl.conversations.cancelScheduledMessage({ messageId: scheduled.messageId }));
      expect(data.status).toBe(200);
    },
  },
  {
    operationId: 'cancel-scheduled-email-message',
    run: async (ghl, ids) => {
      const scheduled = await sdk(
        ghl.conversations.sendANewMessage({
          type: 'Email',
          subType: 'Email',
          status: 'pending',
          contactId: ids.contactId,
          subject: 'Your badge',
          html: '<p>Your badge is ready</p>',
          scheduledTimestamp: future(),
        }),
      );
      expect(scheduled.emailMessageId).toEqual(expect.any(String));
      const data = await sdk(
        ghl.conversations.cancelScheduledEmailMessage({ emailMessageId: scheduled.emailMessageId as string }),
      );
      expect(data.status).toBe(200);
    },
  },
  {
    operationId: 'get-message-recording',
    run: async (ghl, ids) => {
      const data = await sdk(
        ghl.conversations.getMessageRecording({ locationId: ids.locationId, messageId: ids.callMessageId }),
      );
      // The SDK reads every answer as text/JSON, so the WAV arrives as a string.
      expect(String(data).slice(0, 4)).toBe('RIFF');
    },
  },
  {
    operationId: 'get-message-transcription',
    run: async (ghl, ids) => {
      const data = await sdk(
        ghl.conversations.getMessageTranscription({ locationId: ids.locationId, messageId: ids.callMessageId }),
      );
      // The SDK types the answer as one sentence; HighLevel answers the list of them.
      expect((data as unknown as unknown[]).length).toBeGreaterThan(0);
    },
  },
  {
    operationId: 'download-message-transcription',
    run: async (ghl, ids) => {
      const data = await sdk(
        ghl.conversations.downloadMessageTranscription({ locationId: ids.locationId, messageId: ids.callMessageId }),
      );
      expect(String(data)).toMatch(/^\[\d\d:\d\d:\d\d\]/);
    },
  },
  {
    operationId: 'upload-file-attachments',
    run: async (ghl, ids) => {
      // The spec documents this operation as multipart only. With the SDK's default JSON Content-Type,
      // axios turns a FormData into JSON and drops the file, so a file upload needs a per-call
      // Content-Type; the arguments are otherwise the SDK's own (UploadFilesDto fields plus the file part).
      const form = new FormData();
      form.append('conversationId', ids.conversationId);
      form.append('contactId', ids.contactId);
      form.append('locationId', ids.locationId);
      form.append('fileAttachment', new Blob(['%PDF-1.4 sandbox'], { type: 'application/pdf' }), 'agenda.pdf');
      const data = await sdk(
        ghl.conversations.uploadFileAttachments(form as never, { headers: { 'Content-Type': 'multipart/form-data' } }),
      );
      expect(Object.keys(data.uploadedFiles)).toEqual(['agenda.pdf']);
    },
  },
  {
    operationId: 'delete-conversation',
    run: async (ghl, ids) => {
      const data = await sdk(ghl.conversations.deleteConversation({ conversationId: ids.conversationId }));
      expect(data.success).toBe(true);
    },
  },
];

const MISSION_OPERATIONS = [
  'get-conversation',
  'search-conversation',
  'create-conversation',
  'update-conversation',
  'delete-conversation',
  'get-message-recording',
  'get-message-transcription',
  'download-message-transcription',
  'send-a-new-message',
  'add-an-inbound-message',
  'upload-file-attachments',
  'update-message-status',
  'cancel-scheduled-message',
  'cancel-scheduled-email-message',
];

describe('contract: the official HighLevel SDK with its defaults against the sandbox', () => {
  let handle: SandboxHandle;
  let ghl: HighLevel;
  const ids = {} as Ids;

  beforeAll(async () => {
    handle = await withSandbox({ attendees: 1 });
    // A fresh location so the defaults seeded at start cannot satisfy an assertion by accident.
    const { location, seeded } = handle.sandbox.addLocation({ attendees: 1 });
    ids.locationId = location.id;
    ids.callMessageId = seeded!.callMessageId;
    const pit = handle.sandbox.issueToken({ kind: 'pit', locationId: location.id }).accessToken;
    ghl = new HighLevel({ privateIntegrationToken: pit, logLevel: 'none' });
    ghl.getHttpClient().defaults.baseURL = handle.url;
    const upserted = await sdk(
      ghl.contacts.upsertContact({
        locationId: location.id,
        email: 'ada.sdk@example.com',
        phone: '+15550143',
        firstName: 'Ada',
        lastName: 'Sdk',
      }),
    );
    ids.contactId = upserted.contact!.id!;
  });
  afterAll(async () => handle?.close());

  const defaultHeaders = () => ghl.getHttpClient().defaults.headers as unknown as Record<string, unknown>;

  it('sends Version 2023-02-21 on every request by default', () => {
    expect(defaultHeaders()['Version']).toBe('2023-02-21');
  });

  it('sends a JSON Content-Type on every request by default', () => {
    expect(defaultHeaders()['Content-Type']).toBe('application/json');
  });

  it('has a step for each of the 14 mission operations', () => {
    expect(STEPS.map((s) => s.operationId).sort()).toEqual([...MISSION_OPERATIONS].sort());
  });

  for (const [index, step] of STEPS.entries()) {
    it(`${step.operationId} answers 2xx to the SDK [step ${index + 1}]`, async () => step.run(ghl, ids));
  }
});

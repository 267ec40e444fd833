import { describe, expect, it } from 'vitest';
import {
  createHarness,
  type DomainHarness,
  expectValid,
  LOCATION,
  OTHER_LOCATION,
  responseValidator,
} from './domain-fixtures.js';

async function conversation(h: DomainHarness) {
  const contactId = await h.contact({ email: 'ivy@example.com', phone: '+15035550107' });
  const { body } = await h.call('create-conversation', { body: { locationId: LOCATION, contactId } });
  return { contactId, conversationId: body.conversation.id as string };
}

describe('sandbox domain: attachments', () => {
  /** An upload of one PDF with one attachment URL beside it. */
  async function uploadWithUrl() {
    const h = createHarness();
    const { contactId, conversationId } = await conversation(h);
    const pdf = Buffer.from('%PDF-1.4 agenda');
    const res = await h.call('upload-file-attachments', {
      body: { conversationId, contactId, locationId: LOCATION, attachmentUrls: 'https://cdn.example.com/map.png' },
      files: [{ field: 'fileAttachment', filename: 'agenda.pdf', contentType: 'application/pdf', data: pdf }],
    });
    expect(res.status).toBe(200);
    expectValid(responseValidator('/conversations/messages/upload', 'post', 200), res.body);
    return { h, pdf, res };
  }

  it('passes attachmentUrls through in the upload answer', async () => {
    const { res } = await uploadWithUrl();
    expect(res.body.uploadedFiles['map.png']).toBe('https://cdn.example.com/map.png');
  });

  it('stores an uploaded file, answering its URL under /sandbox/files', async () => {
    const { h, pdf, res } = await uploadWithUrl();
    const url = res.body.uploadedFiles['agenda.pdf'];
    expect(url).toMatch(/^\/sandbox\/files\/id\d{18}\/agenda\.pdf$/);
    const fileId = url.split('/')[3];
    expect(h.domain.state.files.getFile(fileId)?.data.equals(pdf)).toBe(true);
  });

  /** The body fields of an upload to a new conversation. */
  async function uploadBase() {
    const h = createHarness();
    const { contactId, conversationId } = await conversation(h);
    return { h, base: { conversationId, contactId, locationId: LOCATION } };
  }

  it('refuses an upload without files or URLs (400)', async () => {
    const { h, base } = await uploadBase();
    const empty = await h.call('upload-file-attachments', { body: base });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toMatch(/fileAttachment or attachmentUrls/);
  });

  it('refuses an upload of a disallowed type (415)', async () => {
    const { h, base } = await uploadBase();
    const exe = await h.call('upload-file-attachments', {
      body: base,
      files: [
        {
          field: 'fileAttachment',
          filename: 'run.exe',
          contentType: 'application/octet-stream',
          data: Buffer.from('MZ'),
        },
      ],
    });
    expect(exe.status).toBe(415);
    expect(exe.body.status).toBe(415);
  });

  it('refuses an upload from another location (403)', async () => {
    const { h, base } = await uploadBase();
    const foreign = await h.call('upload-file-attachments', { body: base, locationId: OTHER_LOCATION });
    expect(foreign.status).toBe(403);
  });

  /** A signed upload of talk.mp4, initiated for a new conversation. */
  async function initiatedUpload() {
    const h = createHarness();
    const { conversationId } = await conversation(h);
    const init = await h.call('initiate-file-upload', {
      body: {
        locationId: LOCATION,
        conversationId,
        filename: 'talk.mp4',
        contentType: 'video/mp4',
        channel: 'WHATSAPP',
      },
    });
    return { h, conversationId, init };
  }

  it('initiates a signed upload valid 15 minutes', async () => {
    const { h, init } = await initiatedUpload();
    expectValid(responseValidator('/conversations/messages/upload/initiate', 'post', 200), init.body);
    expect(init.body.uploadUrl).toMatch(new RegExp(`^/sandbox/uploads/${init.body.uploadId}`));
    expect(init.body.expiresAt).toBe(h.now() + 15 * 60 * 1000);
    expect(init.body.maxFileSize).toBe(100 * 1024 * 1024);
  });

  it('completes a signed upload once its bytes arrived', async () => {
    const { h, conversationId, init } = await initiatedUpload();
    expect(h.domain.state.files.receiveUpload(init.body.uploadId, Buffer.from('video'), h.now())).toBe('stored');

    const complete = await h.call('complete-file-upload', {
      body: {
        uploadId: init.body.uploadId,
        filePath: init.body.filePath,
        locationId: LOCATION,
        conversationId,
        filename: 'talk.mp4',
      },
    });
    expectValid(responseValidator('/conversations/messages/upload/complete', 'post', 200), complete.body);
    expect(complete.body).toEqual({
      uploadedFiles: { 'talk.mp4': `/sandbox/files/${init.body.uploadId}/talk.mp4` },
      metadata: { size: 5, contentType: 'video/mp4' },
    });
  });

  it('answers 404 completing an unknown upload id', async () => {
    const { h, conversationId } = await initiatedUpload();
    const unknown = await h.call('complete-file-upload', {
      body: { uploadId: 'nope', filePath: 'x', locationId: LOCATION, conversationId, filename: 'talk.mp4' },
    });
    expect(unknown.status).toBe(404);
  });

  const urls = ['https://cdn.example.com/notes.pdf'];

  it('sets attachment URLs on a call message', async () => {
    const h = createHarness();
    const { contactId, conversationId } = await conversation(h);
    const call = await h.call('add-an-inbound-message', {
      body: { type: 'Call', conversationId, contactId, conversationProviderId: 'voice' },
    });
    const res = await h.call('add-message-attachments', {
      params: { messageId: call.body.messageId },
      body: { attachments: urls },
    });
    expect(res.status).toBe(200);
    expect((await h.call('get-message', { params: { id: call.body.messageId } })).body.attachments).toEqual(urls);
  });

  it('refuses attachment URLs on a message that is not a call with 403', async () => {
    const h = createHarness();
    const { contactId, conversationId } = await conversation(h);
    const sms = await h.call('add-an-inbound-message', {
      body: { type: 'SMS', conversationId, contactId, conversationProviderId: 'p', message: 'hi' },
    });
    const refused = await h.call('add-message-attachments', {
      params: { messageId: sms.body.messageId },
      body: { attachments: urls },
    });
    expect(refused.status).toBe(403);
  });

  it('answers 404 for attachment URLs on an unknown message', async () => {
    const h = createHarness();
    const missing = await h.call('add-message-attachments', {
      params: { messageId: 'nope' },
      body: { attachments: urls },
    });
    expect(missing.body).toEqual({ statusCode: 404, message: 'Message not found' });
  });
});

describe('sandbox domain: seed and preferences', () => {
  /** A location seeded with 12 attendees, and a search of it by status. */
  function seededTwelve() {
    const h = createHarness();
    const seeded = h.domain.seedLocation(LOCATION, { attendees: 12 });
    const search = (status: string) =>
      h.call('search-conversation', { query: { locationId: LOCATION, status, limit: 100 } });
    return { h, seeded, search };
  }

  it('seeds attendees with one conversation each, emitting nothing', () => {
    const { h, seeded } = seededTwelve();
    expect(seeded).toMatchObject({ locationId: LOCATION, contacts: 12, conversations: 12 });
    expect(h.domain.state.counts(LOCATION)).toEqual({ contacts: 12, conversations: 12, messages: seeded.messages });
    expect(seeded.messages).toBeGreaterThanOrEqual(12 * 2 + 1);
    expect(seeded.messages).toBeLessThanOrEqual(12 * 4 + 1);
    expect(h.events).toEqual([]);
  });

  it('seeds unread conversations', async () => {
    const { search } = seededTwelve();
    expect((await search('unread')).body.total).toBeGreaterThan(0);
  });

  it('seeds one starred conversation', async () => {
    const { search } = seededTwelve();
    expect((await search('starred')).body.total).toBe(1);
  });

  it('seeds spec-shaped conversations whose last message is in the past', async () => {
    const { h, search } = seededTwelve();
    const all = await search('all');
    expectValid(responseValidator('/conversations/search', 'get', 200), all.body);
    expect(all.body.conversations.every((c: any) => c.lastMessageDate <= h.now())).toBe(true);
  });

  it('seeds a call with a recording', async () => {
    const { h, seeded } = seededTwelve();
    const recording = await h.call('get-message-recording', {
      params: { locationId: LOCATION, messageId: seeded.callMessageId },
    });
    expect(recording.status).toBe(200);
  });

  it('adds to a location seeded again, with a new call', () => {
    const { h, seeded } = seededTwelve();
    const again = h.domain.seedLocation(LOCATION, { attendees: 3 });
    expect(h.domain.state.counts(LOCATION).contacts).toBe(15);
    expect(again.callMessageId).not.toBe(seeded.callMessageId);
  });

  it('seeds more attendees than the fictional phone range holds without merging them into one contact', () => {
    const h = createHarness();
    const seeded = h.domain.seedLocation(OTHER_LOCATION, { attendees: 1100 });
    expect(seeded.contacts).toBe(1100);
    expect(h.domain.state.counts(OTHER_LOCATION)).toMatchObject({ contacts: 1100, conversations: 1100 });
  });

  /** A contact, and a custom subtype "Session highlights" created for the location. */
  async function withSubtype() {
    const h = createHarness();
    const contactId = await h.contact({ email: 'ana@example.com' });
    const create = (name: string) =>
      h.call('create-custom-subtype', {
        query: { locationId: LOCATION },
        body: { name, channel: 'email', language: 'en' },
      });
    const created = await create('Session highlights');
    return { h, contactId, create, created, subtypeId: created.body.customSubtype.id };
  }

  it('creates a custom subtype', async () => {
    const { created } = await withSubtype();
    expect(created.status).toBe(200);
  });

  it('refuses a custom subtype whose name is taken, in any case, with 400', async () => {
    const { create } = await withSubtype();
    const dup = await create('session HIGHLIGHTS');
    expect(dup.status).toBe(400);
    expect(dup.body.message).toMatch(/name "session HIGHLIGHTS" is already used/);
  });

  it('applies a subscription change to a custom subtype', async () => {
    const { h, contactId, subtypeId } = await withSubtype();
    const change = await h.call('user-subscription-change', {
      body: {
        locationId: LOCATION,
        contactId,
        email: 'ana@example.com',
        subscription_action: { type: 'custom', subtype_id: subtypeId, subtype_status: 'unsubscribed' },
      },
    });
    expect(change.status).toBe(200);
    const status = await h.call('get-contact-unsubscription-status', { query: { locationId: LOCATION, contactId } });
    expect(status.body.emails).toEqual([
      {
        email: 'ana@example.com',
        subscriptions: [
          { type: 'default', name: 'One on One', status: 'subscribed' },
          { type: 'custom', subtypeId, name: 'Session highlights', status: 'unsubscribed' },
        ],
      },
    ]);
  });

  it('refuses resub_all without a legal_reason', async () => {
    const { h, contactId } = await withSubtype();
    const resub = await h.call('user-subscription-change', {
      body: {
        locationId: LOCATION,
        contactId,
        email: 'ana@example.com',
        subscription_action: { type: 'resub_all', subtype_status: 'subscribed' },
      },
    });
    expect(resub.status).toBe(400);
    expect(resub.body.message).toMatch(/^legal_reason is required/);
  });

  it('answers live-chat typing with 201 success', async () => {
    const h = createHarness();
    const { conversationId } = await conversation(h);
    const typing = await h.call('live-chat-agent-typing', {
      body: { locationId: LOCATION, isTyping: 'true', visitorId: 'v1', conversationId },
    });
    expect(typing).toEqual({ status: 201, body: { success: true } });
  });

  it('sends a review reply as an outbound message', async () => {
    const h = createHarness();
    const { conversationId } = await conversation(h);
    const reply = await h.call('send-review-reply', {
      body: { conversationId, locationId: LOCATION, message: 'Thank you!' },
    });
    expectValid(responseValidator('/conversations/messages/review-reply', 'post', 200), reply.body);
    expect(h.events.at(-1)).toMatchObject({ type: 'OutboundMessage', body: 'Thank you!' });
  });
});

/**
 * What `parley simulate` does in the sandboxes, through their control routes, as people would: an
 * attendee registers or checks in at the Accelevents sandbox, a contact replies in the HighLevel
 * sandbox. Each sandbox then sends its webhook to parley like the real services do.
 */
import { createHighLevelClient, type HighLevelClient } from '../highlevel/client.js';
import type { GetMessagesResponse } from '../highlevel/normalize-get-messages.js';
import type { Logger } from '../lib/create-logger.js';
import { SAMPLE_EVENT_URL } from '../sandbox/accelevents/sample-events.js';
import { AppError } from './app-error.js';
import type { SandboxInfo } from './simulate-target.js';

export interface SampleAttendee {
  eventUrl: string;
  firstName: string;
  lastName: string;
  email: string;
  phoneNumber: string | null;
}

/** Every third sample attendee has no phone, so both SMS and Email welcomes show up. */
export function sampleAttendee(n: number, runTag: number): SampleAttendee {
  return {
    eventUrl: SAMPLE_EVENT_URL,
    firstName: `Sample${n + 1}`,
    lastName: 'Attendee',
    email: `sample${n + 1}.${runTag}@example.com`,
    phoneNumber: n % 3 === 2 ? null : `+1555${String(runTag % 1_000).padStart(3, '0')}${String(n).padStart(4, '0')}`,
  };
}

async function post<T>(url: URL, body: unknown, what: string): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const data = (await res.json().catch(() => ({}))) as T & { message?: string };
  if (!res.ok) throw new AppError('sandbox_refused', `${what} refused: ${data.message ?? `HTTP ${res.status}`}`);
  return data;
}

export async function registerAttendee(info: SandboxInfo, attendee: SampleAttendee): Promise<string> {
  const url = new URL('/sandbox/accelevents/attendees', info.accelevents.url);
  return (await post<{ barcode: string }>(url, attendee, 'Accelevents sandbox registration')).barcode;
}

export async function checkInAttendee(info: SandboxInfo, eventUrl: string, barcode: string): Promise<void> {
  const url = new URL('/sandbox/accelevents/checkins', info.accelevents.url);
  await post(url, { eventUrl, barcode }, `Accelevents sandbox check-in of ${barcode}`);
}

/** The conversation's contact answers its latest message; the sandbox sends parley the InboundMessage webhook. */
export async function replyAsContact(info: SandboxInfo, conversationId: string, message: string): Promise<string> {
  const url = new URL(`/sandbox/conversations/${encodeURIComponent(conversationId)}/replies`, info.highlevel.url);
  return (await post<{ messageId: string }>(url, { message }, `HighLevel sandbox reply in ${conversationId}`))
    .messageId;
}

/** The first call message in the location's conversations, and its transcript (the sandbox seeds one). */
export async function callTranscript(
  info: SandboxInfo,
  logger: Logger,
): Promise<{ messageId: string; text: string } | null> {
  const { locationId } = info.highlevel;
  const { accessToken } = await post<{ accessToken: string }>(
    new URL('/sandbox/tokens', info.highlevel.url),
    { locationId },
    'HighLevel sandbox token',
  );
  const client: HighLevelClient = createHighLevelClient({
    baseUrl: info.highlevel.url,
    auth: { getAccessToken: async () => accessToken },
    logger,
  });
  const search = await client.call<{ conversations: { id: string }[] }>('search-conversation', {
    query: { locationId, limit: 100 },
    locationId,
  });
  for (const conversation of search.data.conversations) {
    const page = await client.call<GetMessagesResponse>('get-messages', {
      path: { conversationId: conversation.id },
      query: { limit: 100 },
      locationId,
    });
    const call = page.data.messages.find((m) => m.messageType === 'TYPE_CALL');
    if (!call) continue;
    const text = await client.call<string>('download-message-transcription', {
      path: { locationId, messageId: call.id },
      locationId,
    });
    return { messageId: call.id, text: String(text.data) };
  }
  return null;
}

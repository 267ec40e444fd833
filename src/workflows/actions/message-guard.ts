/**
 * The send guard: jobs are delivered at least once, so an effect must be idempotent. HighLevel's sends
 * take no idempotency key (specs/highlevel/apps/conversations.json), so before sending again after an
 * interrupted attempt (a crash between sending and journaling, or an ambiguous timeout/5xx), look in the
 * conversation for the message that attempt may have sent: same direction, exactly the same rendered
 * body, dated at or after the attempt started (less a clock allowance for the skew between this machine
 * and HighLevel).
 *
 * Residual risk, accepted and documented: if another actor (an agent, another workflow) sent a
 * message with exactly the same body into the same conversation inside that window, the guard takes
 * it for ours and this run does not send. For templated welcomes that name the attendee this needs an
 * identical message within minutes, and the cost is one missing duplicate rather than a second send.
 */
import type { GetMessagesResponse } from '../../highlevel/normalize-get-messages.js';
import { type ActionContext, callHighLevel } from './action-types.js';

/** How far HighLevel's clock may be behind ours when it dates the message. */
export const GUARD_CLOCK_ALLOWANCE_MS = 60_000;
/** get-messages pages newest first; a recent send is on the first page, so a few pages are plenty. */
const PAGE_SIZE = 50;
const MAX_PAGES = 5;

export interface SentMessageQuery {
  /** The conversation to look in; found from `contactId` (HighLevel keeps one per contact) when absent. */
  conversationId?: string;
  contactId?: string;
  /** The rendered body exactly as sent (`html` for Email when given, else `message`). */
  body: string;
  /** Null matches either direction. */
  direction: 'inbound' | 'outbound' | null;
  /** Epoch ms when the interrupted attempt started. */
  since: number;
  /** An explicit message date (inbound `date`): match it instead of the time window. */
  exactDate?: number;
}

export interface FoundMessage {
  conversationId: string;
  messageId: string;
  status: string | null;
  dateAdded: string | null;
}

type Message = GetMessagesResponse['messages'][number];

async function conversationOf(context: ActionContext, query: SentMessageQuery): Promise<string | null> {
  if (query.conversationId) return query.conversationId;
  if (!query.contactId) return null;
  const found = await callHighLevel<{ conversations: { id: string }[] }>(context, 'search-conversation', {
    query: { locationId: context.locationId, contactId: query.contactId, limit: 1 },
  });
  return found.data.conversations[0]?.id ?? null;
}

export async function findSentMessage(context: ActionContext, query: SentMessageQuery): Promise<FoundMessage | null> {
  const conversationId = await conversationOf(context, query);
  if (conversationId === null) return null;
  const earliest = query.since - GUARD_CLOCK_ALLOWANCE_MS;
  let lastMessageId: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await callHighLevel<GetMessagesResponse>(context, 'get-messages', {
      path: { conversationId },
      query: { limit: PAGE_SIZE, ...(lastMessageId ? { lastMessageId } : {}) },
    });
    const { messages, nextPage } = result.data;
    for (const message of messages) {
      const date = Date.parse(message.dateAdded);
      if (matches(message, query, date, earliest)) {
        return {
          conversationId,
          messageId: message.id,
          status: message.status ?? null,
          dateAdded: message.dateAdded ?? null,
        };
      }
      // Newest first: once past the window, nothing older can be ours.
      if (query.exactDate === undefined && !Number.isNaN(date) && date < earliest) return null;
    }
    const last = messages[messages.length - 1];
    if (!nextPage || !last) return null;
    lastMessageId = last.id;
  }
  return null;
}

function matches(message: Message, query: SentMessageQuery, date: number, earliest: number): boolean {
  if (query.direction !== null && message.direction !== query.direction) return false;
  if ((message.body ?? '') !== query.body) return false;
  if (query.exactDate !== undefined) return Number.isNaN(date) || Math.abs(date - query.exactDate) < 1000;
  // An unreadable date cannot rule the message out, and a false "not sent" costs a duplicate.
  return Number.isNaN(date) || date >= earliest;
}

/** The body HighLevel stores for a message: `html` for Email when given, else `message`. */
export function sentBodyOf(body: Record<string, unknown>): string {
  const text = body.type === 'Email' && typeof body.html === 'string' ? body.html : body.message;
  return typeof text === 'string' ? text : '';
}

/**
 * The overlap rescan, as Nango's HighLevel conversations sync does
 * (https://github.com/NangoHQ/integration-templates/blob/HEAD/integrations/highlevel/syncs/conversations.ts):
 * HighLevel's search can only sort by last-message date (search-conversation's `sortBy`), so each run
 * pages search-conversation newest first and keeps going until it is one hour past `since`. A change
 * that did not move the last-message date inside that hour is left to the webhooks.
 * Per changed conversation it reads every message (get-messages, keyset on `lastMessageId`) and, for
 * calls not yet transcribed, get-message-transcription. Starred is not in search items
 * (ConversationSchema, specs/highlevel/apps/conversations.json), so one `status=starred` pass supplies it.
 * The sponsor-channel flag: a conversation whose contact is tagged `sponsor:<key>` for a configured
 * sponsor joins that sponsor's channel (sponsor-channel.ts); one tagged plain `sponsor` (the tag the
 * deprecated relay, workflows/builtin/sponsor-relay.yaml, keys on) or one of the relay's staff is
 * flagged with no sponsor of its own. A conversation already in a sponsor's channel keeps the flag.
 * Live search items carry the contact's `tags`; ConversationSchema omits them, so they are read
 * tolerantly and an item without `tags` is judged by the staff list alone.
 */
import type { Kysely } from 'kysely';
import type { HighLevelClient } from '../highlevel/client.js';
import type { Database } from '../store/schema.js';
import { announceIndexChange } from './index-changes.js';
import { linkEventKey, upsertConversationRow, upsertMessageRow } from './index-rows.js';
import { joinSponsorChannel, sponsorsOfConversation } from './sponsor-channel.js';
import { sponsorsTaggedOn } from './sponsor-routing.js';
import type { SponsorConfig } from './sponsor-settings.js';

export const OVERLAP_MS = 60 * 60 * 1000;
const PAGE_SIZE = 100;

export interface SyncLocationInput {
  client: Pick<HighLevelClient, 'conversations'>;
  locationId: string;
  /** When the previous sync ran (epoch ms); 0 or null for a full sync. */
  since: number | null;
  /** Sponsor staff contact ids (config `sponsor.staffContactIds`): their conversations are sponsor-channel. */
  sponsorContactIds?: readonly string[];
  /** Config `sponsor.sponsors`: a contact tagged `sponsor:<key>` puts its conversation in that sponsor's channel. */
  sponsors?: readonly SponsorConfig[];
  signal?: AbortSignal;
}

/** The contact tag the deprecated relay keys on (workflows/builtin/sponsor-relay.yaml). */
export const SPONSOR_TAG = 'sponsor';

export interface SyncLocationResult {
  /** Conversations read inside the window (since − 1 h). */
  conversations: number;
  messages: number;
  transcripts: number;
  searchPages: number;
  /** Pass as `since` next time. */
  startedAt: number;
}

/** Live search items carry lastMessageDate (ms) and sort values the spec omits (spec defect "search pagination"). */
interface LiveSearchItem {
  id: string;
  contactId?: string;
  contactName?: string;
  fullName?: string;
  email?: string;
  phone?: string;
  unreadCount?: number;
  lastMessageBody?: string;
  lastMessageDate?: number | string;
  /** The contact's tags: in live search items, not in ConversationSchema. */
  tags?: unknown;
  sort?: (number | string)[];
}

function ms(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value !== '') {
    const n = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/**
 * True for a staff contact or a `sponsor` tag (compared case-insensitively); undefined when the item
 * carries no tags, so a stored flag is kept rather than reset by a copy that cannot know.
 */
function sponsorOf(item: LiveSearchItem, staff: ReadonlySet<string>): boolean | undefined {
  if (item.contactId && staff.has(item.contactId)) return true;
  if (!Array.isArray(item.tags)) return undefined;
  return item.tags.some((t) => typeof t === 'string' && t.toLowerCase() === SPONSOR_TAG);
}

function sponsorField(sponsor: boolean | undefined): { sponsor?: boolean } {
  return sponsor === undefined ? {} : { sponsor };
}

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export async function syncLocationInto(
  db: Kysely<Database>,
  input: SyncLocationInput,
  now: () => number,
): Promise<SyncLocationResult> {
  const { client, locationId } = input;
  const api = client.conversations;
  const options = { locationId, lane: 'backfill' as const, ...(input.signal ? { signal: input.signal } : {}) };
  const startedAt = now();
  const floor = input.since ? input.since - OVERLAP_MS : Number.NEGATIVE_INFINITY;
  const result: SyncLocationResult = { conversations: 0, messages: 0, transcripts: 0, searchPages: 0, startedAt };

  const staff = new Set(input.sponsorContactIds ?? []);
  const starred = new Set<string>();
  for await (const item of pages(api, { locationId, status: 'starred' }, options, result)) starred.add(item.id);

  for await (const item of pages(api, { locationId }, options, result)) {
    const lastMessageAt = ms(item.lastMessageDate) ?? ms(item.sort?.[0]) ?? 0;
    if (lastMessageAt < floor) break;
    result.conversations += 1;
    const tagged = Array.isArray(item.tags) ? sponsorsTaggedOn(item.tags, input.sponsors ?? []) : [];
    const routed = tagged.length > 0 || (await sponsorsOfConversation(db, item.id)).length > 0;
    await upsertConversationRow(db, {
      conversationId: item.id,
      locationId,
      contactId: nonEmpty(item.contactId),
      contactName: nonEmpty(item.contactName) ?? nonEmpty(item.fullName),
      contactEmail: nonEmpty(item.email),
      contactPhone: nonEmpty(item.phone),
      unreadCount: item.unreadCount ?? 0,
      starred: starred.has(item.id),
      ...sponsorField(routed || sponsorOf(item, staff)),
      lastMessageAt,
      lastMessageBody: nonEmpty(item.lastMessageBody),
      updatedAt: startedAt,
    });
    await joinSponsorChannel(db, {
      conversationId: item.id,
      locationId,
      sponsors: tagged.map((sponsor) => sponsor.key),
      messageId: null,
      now: startedAt,
    });
    await linkEventKey(db, item.id);
    await syncMessages(db, api, item.id, locationId, options, result, startedAt);
    announceIndexChange(item.id);
  }
  return result;
}

type Api = SyncLocationInput['client']['conversations'];
type Options = { locationId: string; lane: 'backfill'; signal?: AbortSignal };

async function* pages(
  api: Api,
  filter: { locationId: string; status?: 'starred' },
  options: Options,
  result: SyncLocationResult,
): AsyncGenerator<LiveSearchItem> {
  let startAfterDate: number | undefined;
  for (;;) {
    const page = await api.searchConversations(
      {
        ...filter,
        sortBy: 'last_message_date',
        sort: 'desc',
        limit: PAGE_SIZE,
        ...(startAfterDate !== undefined ? { startAfterDate } : {}),
      },
      options,
    );
    result.searchPages += 1;
    const items = page.conversations as unknown as LiveSearchItem[];
    for (const item of items) yield item;
    const last = items[items.length - 1];
    const next = last ? (ms(last.sort?.[0]) ?? ms(last.lastMessageDate)) : null;
    if (items.length < PAGE_SIZE || next === null) return;
    startAfterDate = next;
  }
}

async function syncMessages(
  db: Kysely<Database>,
  api: Api,
  conversationId: string,
  locationId: string,
  options: Options,
  result: SyncLocationResult,
  syncedAt: number,
): Promise<void> {
  let lastMessageId: string | undefined;
  for (;;) {
    const page = await api.getMessages(
      conversationId,
      { limit: PAGE_SIZE, ...(lastMessageId ? { lastMessageId } : {}) },
      options,
    );
    for (const message of page.messages) {
      const isCall = message.messageType === 'TYPE_CALL';
      const known = isCall
        ? await db
            .selectFrom('index_messages')
            .select('transcript')
            .where('message_id', '=', message.id)
            .executeTakeFirst()
        : undefined;
      let transcript: string | undefined;
      if (isCall && !known?.transcript) {
        transcript = await transcriptOf(api, locationId, message.id, options);
        if (transcript !== undefined) result.transcripts += 1;
      }
      await upsertMessageRow(db, {
        messageId: message.id,
        conversationId,
        locationId,
        direction: message.direction,
        type: message.messageType,
        status: message.status ?? null,
        body: message.body ?? null,
        createdAt: ms(message.dateAdded) ?? syncedAt,
        hasRecording: isCall,
        ...(transcript !== undefined ? { transcript } : {}),
        ...(message.attachments ? { attachments: message.attachments.filter((url) => typeof url === 'string') } : {}),
        updatedAt: syncedAt,
      });
      result.messages += 1;
    }
    if (!page.nextPage || !page.lastMessageId || page.messages.length === 0) return;
    lastMessageId = page.lastMessageId;
  }
}

/** The sentences joined; undefined when HighLevel has none (404) or answers an unexpected shape. */
async function transcriptOf(
  api: Api,
  locationId: string,
  messageId: string,
  options: Options,
): Promise<string | undefined> {
  try {
    const sentences = (await api.getMessageTranscription({ locationId, messageId }, options)) as unknown;
    const list = Array.isArray(sentences) ? sentences : [sentences];
    const text = list
      .map((s) => (s && typeof s === 'object' ? (s as { transcript?: unknown }).transcript : undefined))
      .filter((t): t is string => typeof t === 'string')
      .join('\n');
    return text === '' ? undefined : text;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
}

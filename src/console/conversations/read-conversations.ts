/**
 * The console's reads, shared by the REST API and the pages: search, one conversation, a message's
 * conversation. The local index answers first; a conversation or message it does not hold yet is
 * fetched from HighLevel on demand and mirrored, always as the console user (`runAs`, audit actor
 * `user:<id>`) on the `agent` lane. Visibility (sponsors) is checked last, on the conversation's
 * index row, so every path applies it.
 */

import { HighLevelError } from '../../highlevel/errors.js';
import { IndexError } from '../../search/index-error.js';
import { linkEventKey } from '../../search/index-rows.js';
import type { SearchResult } from '../../search/search-conversations.js';
import type { Caller } from '../auth/resolve-caller.js';
import { actorOf, type ConsoleDeps } from '../console-deps.js';
import { ConsoleError } from '../console-error.js';
import { assertMaySee, notVisible, sponsorKeysOf, sponsorOnly } from './conversation-access.js';
import { conversationViewOf, epochMs } from './read-rows.js';
import type { ConversationSearchQuery, ConversationView } from './views.js';

export async function searchForCaller(
  deps: ConsoleDeps,
  caller: Caller,
  query: ConversationSearchQuery,
): Promise<SearchResult> {
  const attendee = {
    ...(query.attendeeId ? { id: query.attendeeId } : {}),
    ...(query.email ? { email: query.email } : {}),
    ...(query.name ? { name: query.name } : {}),
  };
  const search = deps.index.search({
    ...(Object.keys(attendee).length > 0 ? { attendee } : {}),
    ...(query.topic ? { topic: query.topic } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(query.event ? { eventKey: query.event } : {}),
    ...(query.from !== undefined ? { from: query.from } : {}),
    ...(query.to !== undefined ? { to: query.to } : {}),
    ...(query.locationId ? { locationId: query.locationId } : {}),
    // A sponsor's filter is not theirs to choose (auth/roles.ts): their own sponsor's channel only.
    sponsorOnly: sponsorOnly(caller),
    ...(sponsorOnly(caller) ? { sponsorKeys: sponsorKeysOf(deps.config, caller) } : {}),
    limit: query.limit,
    cursor: query.cursor ?? null,
  });
  return search.catch((error: unknown) => {
    if (error instanceof IndexError && error.code === 'invalid_cursor') {
      throw new ConsoleError('invalid_request', error.message, { field: 'cursor' });
    }
    throw error;
  });
}

export async function getConversationForCaller(
  deps: ConsoleDeps,
  caller: Caller,
  conversationId: string,
): Promise<ConversationView> {
  const row = await deps.db
    .selectFrom('index_conversations')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  if (row) {
    const view = conversationViewOf(row);
    await assertMaySee(deps, caller, view);
    return view;
  }
  // The sponsor flag lives only in the index, so a conversation the index lacks is never a sponsor's.
  if (sponsorOnly(caller)) throw notVisible(caller);
  await mirrorConversation(deps, caller, conversationId);
  const mirrored = await deps.db
    .selectFrom('index_conversations')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  if (!mirrored) throw notVisible(caller);
  const view = conversationViewOf(mirrored);
  await assertMaySee(deps, caller, view);
  return view;
}

/** The conversation a message belongs to (index, else get-message upstream, then mirrored); visibility applied. */
export async function conversationOfMessage(
  deps: ConsoleDeps,
  caller: Caller,
  messageId: string,
): Promise<ConversationView> {
  const row = await deps.db
    .selectFrom('index_messages')
    .select('conversation_id')
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  if (row) return getConversationForCaller(deps, caller, row.conversation_id);
  if (sponsorOnly(caller)) throw notVisible(caller);

  const locationId = await locationFor(deps, null);
  const message = (
    await deps.highlevel
      .runAs(actorOf(caller), () =>
        deps.highlevel.client.call('get-message', { path: { id: messageId }, locationId, lane: 'agent' }),
      )
      .catch(hiddenIfMissing)
  ).data as Record<string, unknown> | null;
  const conversationId = typeof message?.conversationId === 'string' ? message.conversationId : null;
  if (!message || !conversationId) throw notVisible(caller);
  const conversation = await getConversationForCaller(deps, caller, conversationId);
  const type = typeof message.messageType === 'string' ? message.messageType : null;
  await deps.index.upsertMessage({
    messageId,
    conversationId,
    locationId: conversation.locationId,
    direction: typeof message.direction === 'string' ? message.direction : null,
    type,
    status: typeof message.status === 'string' ? message.status : null,
    body: typeof message.body === 'string' ? message.body : null,
    createdAt: epochMs(message.dateAdded) ?? deps.now(),
    hasRecording: type === 'TYPE_CALL',
    updatedAt: deps.now(),
  });
  return conversation;
}

/** HighLevel's 404 for a looked-up id becomes the same answer as an id the caller may not see. */
export function hiddenIfMissing(error: unknown, caller?: Pick<Caller, 'role'>): never {
  if (error instanceof HighLevelError && error.status === 404) throw notVisible(caller);
  throw error;
}

/** The location to act for: the one the index knows for this conversation, else the deployment's default. */
async function locationFor(deps: ConsoleDeps, conversationId: string | null): Promise<string> {
  if (conversationId !== null) {
    const known = await deps.db
      .selectFrom('index_messages')
      .select('location_id')
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst();
    if (known) return known.location_id;
  }
  const fallback = await deps.defaultLocationId();
  if (!fallback) {
    throw new ConsoleError('no_location', 'no HighLevel location is connected, so there is nowhere to read from');
  }
  return fallback;
}

/**
 * get-conversation (flat, no contact name or email) plus the contact for the name and email the
 * search filters on. The mirrored row is the cache from then on:
 * webhooks keep it current, so this runs once per conversation the index lacked.
 */
async function mirrorConversation(deps: ConsoleDeps, caller: Caller, conversationId: string): Promise<void> {
  const locationId = await locationFor(deps, conversationId);
  const api = deps.highlevel.client;
  await deps.highlevel.runAs(actorOf(caller), async () => {
    const found = await api.conversations
      .getConversation(conversationId, { locationId, lane: 'agent' })
      .catch(hiddenIfMissing);
    if (found.deleted) throw notVisible();
    const contact = found.contactId
      ? (await api.contacts.getContact(found.contactId, { locationId: found.locationId, lane: 'agent' })).contact
      : null;
    const name = contact?.name ?? ([contact?.firstName, contact?.lastName].filter(Boolean).join(' ') || null);
    await deps.index.upsertConversation({
      conversationId,
      locationId: found.locationId || locationId,
      contactId: found.contactId || null,
      ...(contact
        ? { contactName: name, contactEmail: contact.email ?? null, contactPhone: contact.phone ?? null }
        : {}),
      unreadCount: found.unreadCount ?? 0,
      starred: found.starred === true,
      updatedAt: deps.now(),
    });
    await linkEventKey(deps.db, conversationId);
  });
}

/**
 * The statements behind parley-writes.ts, written so that each write does its reading in SQL: the
 * contact's details and the conversation's event come from subqueries, where the index-rows.ts and
 * contact-details.ts helpers read them first in separate round trips. They keep those helpers' rules:
 * - a contact detail not learnt (null) keeps the stored one, as `rememberContact` merges;
 * - a conversation row takes its contact's details when the index knows them, else keeps its own;
 * - its event is filled from the contact's first attendee link that is not a check-in link, once
 *   (`linkEventKey`);
 * - a row only changes when the write's `updated_at` is at least the stored one.
 * Each is compiled once per database (src/store/compiled-statement.ts) and reads the same on SQLite
 * and PostgreSQL: `on conflict … do update`, `excluded`, `returning`, scalar subqueries.
 */
import { type RawBuilder, sql } from 'kysely';

type Build = (p: readonly number[]) => RawBuilder<unknown>;

/** The contact's first non-check-in attendee link; `contact` may be an SQL expression. */
const firstEvent = (location: unknown, contact: unknown) =>
  sql`(select al.event_key from attendee_links al where al.location_id = ${location} and al.contact_id = ${contact} and al.event_key not like 'check-in:%' order by al.created_at limit 1)`;

const detail = (column: 'name' | 'email' | 'phone', location: unknown, contact: unknown) =>
  sql`(select k.${sql.raw(column)} from index_contacts k where k.location_id = ${location} and k.contact_id = ${contact})`;

/** The update of a conversation row's contact and event, shared by both conversation writes. */
const CONTACT_AND_EVENT_SET = sql`location_id = excluded.location_id,
  contact_id = coalesce(excluded.contact_id, index_conversations.contact_id),
  contact_name = coalesce(excluded.contact_name, index_conversations.contact_name),
  contact_email = coalesce(excluded.contact_email, index_conversations.contact_email),
  contact_phone = coalesce(excluded.contact_phone, index_conversations.contact_phone),
  event_key = coalesce(index_conversations.event_key, ${firstEvent(
    sql`excluded.location_id`,
    sql`coalesce(excluded.contact_id, index_conversations.contact_id)`,
  )})`;

/**
 * Values: location, contact, name, email, phone, now. Answers the merged details, and whether the
 * contact has conversation rows to name (a contact new to the index usually has none).
 */
export const upsertContact: Build = (p) =>
  sql`insert into index_contacts (location_id, contact_id, name, email, phone, updated_at)
  values (${p[0]}, ${p[1]}, ${p[2]}, ${p[3]}, ${p[4]}, ${p[5]})
  on conflict (location_id, contact_id) do update set name = coalesce(excluded.name, index_contacts.name),
  email = coalesce(excluded.email, index_contacts.email), phone = coalesce(excluded.phone, index_contacts.phone),
  updated_at = excluded.updated_at
  returning name, email, phone, (select count(*) from index_conversations c
    where c.location_id = ${p[0]} and c.contact_id = ${p[1]}) as conversations`;

/** Values: name, email, phone, location, contact. A null detail keeps the stored one. */
export const nameConversations: Build = (p) =>
  sql`update index_conversations set contact_name = coalesce(${p[0]}, contact_name),
  contact_email = coalesce(${p[1]}, contact_email), contact_phone = coalesce(${p[2]}, contact_phone)
  where location_id = ${p[3]} and contact_id = ${p[4]}`;

/**
 * A conversation parley created or found. Values: conversation, location, contact, now. Its
 * `updated_at` never goes back, and the write always lands (the helper it replaces read the stored
 * `updated_at` first to the same end).
 */
export const writtenConversation: Build = (p) =>
  sql`insert into index_conversations (conversation_id, location_id, contact_id, contact_name, contact_email,
  contact_phone, event_key, unread_count, starred, last_message_at, sponsor, updated_at)
  values (${p[0]}, ${p[1]}, ${p[2]}, ${detail('name', p[1], p[2])}, ${detail('email', p[1], p[2])},
  ${detail('phone', p[1], p[2])}, ${firstEvent(p[1], p[2])}, 0, 0, 0, 0, ${p[3]})
  on conflict (conversation_id) do update set ${CONTACT_AND_EVENT_SET},
  updated_at = case when index_conversations.updated_at > excluded.updated_at
    then index_conversations.updated_at else excluded.updated_at end`;

export const readMessageId: Build = (p) => sql`select message_id from index_messages where message_id = ${p[0]}`;

/**
 * Values: message, conversation, location, direction, type, status, body, attachments, created at,
 * now. Without `attachments` the stored ones stay. Its `updated_at` is now, or its conversation's when
 * that is later: a webhook copy that got here first keeps its fields.
 */
export function upsertMessage(attachments: boolean): Build {
  return (p) => {
    const column = attachments ? sql`, attachments` : sql``;
    const value = attachments ? sql`, ${p[7]}` : sql``;
    const set = attachments ? sql`, attachments = excluded.attachments` : sql``;
    return sql`insert into index_messages (message_id, has_recording, conversation_id, location_id, created_at,
    direction, type, status, body${column}, updated_at)
    values (${p[0]}, 0, ${p[1]}, ${p[2]}, ${p[8]}, ${p[3]}, ${p[4]}, ${p[5]}, ${p[6]}${value},
    (select case when max(c.updated_at) > ${p[9]} then max(c.updated_at) else ${p[9]} end
      from index_conversations c where c.conversation_id = ${p[1]}))
    on conflict (message_id) do update set conversation_id = excluded.conversation_id,
    location_id = excluded.location_id, created_at = excluded.created_at, direction = excluded.direction,
    type = excluded.type, status = excluded.status, body = excluded.body${set}, updated_at = excluded.updated_at
    where index_messages.updated_at <= excluded.updated_at`;
  };
}

/**
 * The conversation of a message parley wrote. Values: conversation, location, contact, message time,
 * body, status, now. `moves`: the message becomes the last one when it is at least as new as the
 * stored last one (a send scheduled for later does not); `unread`: one more unread message. Its
 * `updated_at` never goes back.
 */
export function messageConversation(moves: boolean, unread: boolean): Build {
  return (p) => {
    const newer = sql`excluded.last_message_at >= index_conversations.last_message_at`;
    const lastColumns = moves ? sql`, last_message_at, last_message_body, status` : sql``;
    const lastValues = moves ? sql`, ${p[3]}, ${p[4]}, ${p[5]}` : sql``;
    const lastSet = moves
      ? sql`, last_message_at = case when ${newer} then excluded.last_message_at else index_conversations.last_message_at end,
      last_message_body = case when ${newer} then excluded.last_message_body else index_conversations.last_message_body end,
      status = case when ${newer} then excluded.status else index_conversations.status end`
      : sql``;
    const unreadSet = unread ? sql`, unread_count = index_conversations.unread_count + 1` : sql``;
    return sql`insert into index_conversations (conversation_id, location_id, contact_id, contact_name,
    contact_email, contact_phone, event_key, unread_count, starred, sponsor${lastColumns}, updated_at)
    values (${p[0]}, ${p[1]}, ${p[2]}, ${detail('name', p[1], p[2])}, ${detail('email', p[1], p[2])},
    ${detail('phone', p[1], p[2])}, ${firstEvent(p[1], p[2])}, ${unread ? sql`1` : sql`0`}, 0, 0${lastValues}, ${p[6]})
    on conflict (conversation_id) do update set ${CONTACT_AND_EVENT_SET}${lastSet}${unreadSet},
    updated_at = case when index_conversations.updated_at > excluded.updated_at
      then index_conversations.updated_at else excluded.updated_at end`;
  };
}

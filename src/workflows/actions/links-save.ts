/**
 * `links.save`: keeps attendeeId ↔ contactId ↔ conversationId ↔ messageId in
 * `attendee_links`. An upsert that only overwrites the fields given (a field not given is null in
 * `excluded` and `coalesce` keeps the stored one), so a later step can add the message id without
 * knowing the rest, and a replay writes the same row again. One statement text whichever fields are
 * given, compiled once per database (src/store/compiled-statement.ts): building it with Kysely on
 * every welcome was a measurable share of the engine's CPU (docs/benchmarks.md, engine).
 */
import { type RawBuilder, sql } from 'kysely';
import { compiledStatement, runStatement } from '../../store/compiled-statement.js';
import type { ActionSpec } from './action-types.js';

const OPTIONAL = ['contactId', 'conversationId', 'welcomeMessageId'] as const;

/** Values: event, attendee, location, contact, conversation, welcome message, now. */
const upsertLink = (p: readonly number[]): RawBuilder<unknown> =>
  sql`insert into attendee_links (event_key, attendee_id, location_id, contact_id, conversation_id,
  welcome_message_id, created_at, updated_at)
  values (${p[0]}, ${p[1]}, ${p[2]}, ${p[3]}, ${p[4]}, ${p[5]}, ${p[6]}, ${p[6]})
  on conflict (event_key, attendee_id) do update set location_id = excluded.location_id,
  contact_id = coalesce(excluded.contact_id, attendee_links.contact_id),
  conversation_id = coalesce(excluded.conversation_id, attendee_links.conversation_id),
  welcome_message_id = coalesce(excluded.welcome_message_id, attendee_links.welcome_message_id),
  updated_at = excluded.updated_at`;

function text(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
}

export const linksSave: ActionSpec = {
  name: 'links.save',
  description: 'store attendee ↔ contact ↔ conversation ↔ welcome message ids (attendee_links); output the ids saved',
  operations: [],
  scopes: [],
  unsafe: false,
  inputs: [
    { name: 'eventKey', required: true, place: 'action', description: "the event's URL or id" },
    { name: 'attendeeId', required: true, place: 'action', description: "the attendee's id" },
    { name: 'locationId', required: true, place: 'action', defaulted: true },
    ...OPTIONAL.map((name) => ({ name, required: false, place: 'action' as const })),
  ],
  async execute(input, context) {
    const now = context.now();
    const eventKey = String(input.eventKey);
    const attendeeId = String(input.attendeeId);
    const locationId = text(input.locationId) ?? context.locationId;
    const saved: Record<string, string> = { eventKey, attendeeId, locationId };
    for (const name of OPTIONAL) {
      const value = text(input[name]);
      if (value !== undefined) saved[name] = value;
    }
    await runStatement(context.db, compiledStatement(context.db, 'links.save', upsertLink, 7), [
      eventKey,
      attendeeId,
      locationId,
      saved.contactId ?? null,
      saved.conversationId ?? null,
      saved.welcomeMessageId ?? null,
      now,
    ]);
    return saved;
  },
};

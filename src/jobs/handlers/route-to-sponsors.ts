/**
 * The sponsor channel's routing step of the `highlevel.event` job: an attendee's inbound message that
 * names a sponsor's keyword, or comes from a contact tagged `sponsor:<key>`, puts the attendee's own
 * conversation in that sponsor's channel in the local index (src/search/sponsor-channel.ts), where the
 * sponsor's console users find it and answer it through the console's normal reply route.
 */
import type { Kysely } from 'kysely';
import { joinSponsorChannel } from '../../search/sponsor-channel.js';
import { sponsorsNamedIn, sponsorsTaggedOn, sponsorTagOf } from '../../search/sponsor-routing.js';
import type { SponsorConfig } from '../../search/sponsor-settings.js';
import type { Database } from '../../store/schema.js';

/** What the inbound-message workflows see as `sponsorChannel` (workflows/builtin/sponsor-channel.yaml). */
export interface SponsorRouting {
  /** Names of the sponsors this message names or its contact is tagged for. */
  matched: string[];
  /** Names of those this message newly brought the conversation to; the same on a retried job. */
  joined: string[];
  /** `joined` as words: "Acme", "Acme and Globex". Empty when nothing was joined. */
  joinedNames: string;
  /** The contact tags (`sponsor:<key>`) of the joined sponsors, for HighLevel to show the routing too. */
  joinedTags: string[];
}

export interface RouteInput {
  conversationId: string | null;
  locationId: string;
  messageId: string;
  body: string;
  /** The contact's tags (get-contact). */
  tags: readonly unknown[];
}

export async function routeToSponsors(
  db: Kysely<Database>,
  sponsors: readonly SponsorConfig[],
  input: RouteInput,
  now: number,
): Promise<SponsorRouting> {
  const matched = [...new Set([...sponsorsNamedIn(input.body, sponsors), ...sponsorsTaggedOn(input.tags, sponsors)])];
  // The webhook names the conversation; without it there is nothing to put in the channel.
  if (matched.length === 0 || input.conversationId === null) {
    return { matched: matched.map((s) => s.name), joined: [], joinedNames: '', joinedTags: [] };
  }
  const keys = await joinSponsorChannel(db, {
    conversationId: input.conversationId,
    locationId: input.locationId,
    sponsors: matched.map((s) => s.key),
    messageId: input.messageId,
    now,
  });
  const joined = matched.filter((s) => keys.includes(s.key));
  const names = joined.map((s) => s.name);
  return {
    matched: matched.map((s) => s.name),
    joined: names,
    joinedNames: inWords(names),
    joinedTags: joined.map(sponsorTagOf),
  };
}

function inWords(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

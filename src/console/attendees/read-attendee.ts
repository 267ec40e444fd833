/**
 * One attendee for the console (GET /api/attendees/{id}): their links (event, contact, conversation,
 * welcome message), their stored preference answers (src/preferences/attendee-answers.ts) and, for
 * staff, the notes HighLevel workflows added (attendee-notes.ts). The id
 * is the Accelevents attendee id or the HighLevel contact id. A sponsor sees an attendee only when one
 * of the attendee's conversations is one the sponsor may open (conversation-access.ts, the same rule
 * as the conversation routes); any other attendee, and an id nobody has, get one 404 naming no id.
 */
import { type AttendeeLink, findAttendeeAnswers, type PreferenceAnswer } from '../../preferences/attendee-answers.js';
import type { Caller } from '../auth/resolve-caller.js';
import type { ConsoleDeps } from '../console-deps.js';
import { ConsoleError } from '../console-error.js';
import { assertMaySee, sponsorOnly } from '../conversations/conversation-access.js';
import { type AttendeeNote, notesOf } from './attendee-notes.js';

export interface AttendeeView {
  /** The id asked for. */
  id: string;
  email: string | null;
  links: AttendeeLink[];
  preferences: PreferenceAnswer[];
  /** Notes HighLevel workflows added (attendee-notes.ts); absent for a sponsor, who sees no notes. */
  notes?: AttendeeNote[];
}

function notFound(): ConsoleError {
  return new ConsoleError('not_found', 'no attendee with that id is visible to you');
}

async function sponsorMaySee(
  deps: Pick<ConsoleDeps, 'db' | 'config'>,
  caller: Caller,
  conversationIds: readonly string[],
): Promise<boolean> {
  if (conversationIds.length === 0) return false;
  const rows = await deps.db
    .selectFrom('index_conversations')
    .select(['conversation_id', 'sponsor'])
    .where('conversation_id', 'in', [...new Set(conversationIds)])
    .execute();
  for (const row of rows) {
    try {
      await assertMaySee(deps, caller, { conversationId: row.conversation_id, sponsor: Number(row.sponsor) === 1 });
      return true;
    } catch (error) {
      if (!(error instanceof ConsoleError)) throw error;
    }
  }
  return false;
}

export async function getAttendeeForCaller(
  deps: Pick<ConsoleDeps, 'db' | 'config'>,
  caller: Caller,
  id: string,
): Promise<AttendeeView> {
  const found = await findAttendeeAnswers(deps.db, id);
  if (!found) throw notFound();
  if (sponsorOnly(caller)) {
    const conversations = found.links.flatMap((link) => (link.conversationId === null ? [] : [link.conversationId]));
    if (!(await sponsorMaySee(deps, caller, conversations))) throw notFound();
    return { id, ...found };
  }
  const contacts = found.links.flatMap((link) =>
    link.contactId === null ? [] : [{ locationId: link.locationId, contactId: link.contactId }],
  );
  return { id, ...found, notes: await notesOf(deps.db, contacts) };
}

/**
 * One attendee for the console (GET /api/attendees/{id}): their links (event, contact, conversation,
 * welcome message) and their stored preference answers (src/preferences/attendee-answers.ts). The id
 * is the Accelevents attendee id or the HighLevel contact id. A sponsor sees an attendee only when one
 * of the attendee's conversations is one the sponsor may open (conversation-access.ts, the same rule
 * as the conversation routes); any other attendee, and an id nobody has, get one 404 naming no id.
 */
import { type AttendeeLink, findAttendeeAnswers, type PreferenceAnswer } from '../../preferences/attendee-answers.js';
import type { Caller } from '../auth/resolve-caller.js';
import type { ConsoleDeps } from '../console-deps.js';
import { ConsoleError } from '../console-error.js';
import { assertMaySee, sponsorOnly } from '../conversations/conversation-access.js';

export interface AttendeeView {
  /** The id asked for. */
  id: string;
  email: string | null;
  links: AttendeeLink[];
  preferences: PreferenceAnswer[];
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
  }
  return { id, ...found };
}

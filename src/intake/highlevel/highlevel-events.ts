/**
 * HighLevel's message webhooks into the inbox, called by POST /hooks/highlevel after the signature
 * and timestamp checks. HighLevel retries only on 429, about every 10 minutes, up to six times
 * (https://help.gohighlevel.com/support/solutions/articles/155000007071-automated-webhook-retries), and
 * asks receivers to reject duplicate `webhookId`s; the inbox's unique (source, dedupe_key) does that for
 * as long as rows are kept (prune-inbox.ts keeps them at least 7 days). The work happens later, from
 * the `highlevel.event` job; the answer is quick.
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../../lib/create-logger.js';
import { PRIORITY } from '../../lib/priority-lanes.js';
import type { Queue } from '../../queue/types.js';
import type { Database } from '../../store/schema.js';
import { newSortableId } from '../../store/sortable-id.js';
import { bodyKey, boundedKey } from '../dedupe-key.js';
import { type HeaderBag, scalarText } from '../map-payload.js';
import { storableHeaders } from '../storable-headers.js';
import { inboxValues, storeDelivery } from '../store-delivery.js';

/** The conversation events parley acts on (HighLevel's docs/webhook events/ pages). */
export const HIGHLEVEL_MESSAGE_EVENTS = ['InboundMessage', 'OutboundMessage', 'ConversationUnreadUpdate'] as const;
export const HIGHLEVEL_EVENT_JOB = 'highlevel.event';

export function isHighLevelMessageEvent(type: unknown): type is (typeof HIGHLEVEL_MESSAGE_EVENTS)[number] {
  return typeof type === 'string' && (HIGHLEVEL_MESSAGE_EVENTS as readonly string[]).includes(type);
}

export interface HighLevelInboxDeps {
  db: Kysely<Database>;
  queue: Queue;
  now: () => number;
  logger: Logger;
  newId?: () => string;
}

export interface HighLevelEventAnswer {
  status: 200 | 429;
  body: Record<string, unknown>;
}

/** The ids worth indexing without reparsing the body; values only when they are usable strings. */
function idsOf(event: Record<string, unknown>): Record<string, string> {
  const ids: Record<string, string> = {};
  for (const name of ['type', 'locationId', 'conversationId', 'messageId', 'contactId', 'id', 'webhookId']) {
    const value = typeof event[name] === 'string' ? scalarText(event[name]) : null;
    if (value !== null && value.length <= 200) ids[name] = value;
  }
  return ids;
}

export async function storeHighLevelEvent(
  deps: HighLevelInboxDeps,
  input: { rawBody: Buffer; headers: HeaderBag; event: Record<string, unknown> },
): Promise<HighLevelEventAnswer> {
  const { event } = input;
  const webhookId = typeof event['webhookId'] === 'string' ? scalarText(event['webhookId']) : null;
  // HighLevel always sends webhookId; a signed body without one still dedupes on its bytes.
  const dedupeKey = webhookId !== null ? boundedKey('webhook', webhookId) : bodyKey(input.rawBody);
  const type = typeof event['type'] === 'string' ? scalarText(event['type']) : null;
  try {
    const stored = await storeDelivery(
      deps,
      {
        source: 'highlevel',
        dedupeKey,
        topic: type,
        contentType: typeof input.headers['content-type'] === 'string' ? input.headers['content-type'] : null,
        headers: storableHeaders(input.headers),
        body: input.rawBody.toString('utf8'),
        mapped: idsOf(event),
        status: 'received',
      },
      { kind: HIGHLEVEL_EVENT_JOB, priority: PRIORITY.automation },
    );
    if (stored.duplicate) return { status: 200, body: { duplicate: true, id: stored.id } };
    return { status: 200, body: { accepted: true, id: stored.id } };
  } catch (error) {
    // Nothing was committed. 429 is the only answer HighLevel retries, as the UNINSTALL path does.
    deps.logger.error({ err: error, type }, 'HighLevel webhook could not be stored; asking for a retry');
    return { status: 429, body: { error: 'retry_later' } };
  }
}

export interface InstallEventClaim {
  /** False when this webhookId was handled before: a replay, to be answered without acting. */
  claimed: boolean;
  /** Gives the claim back, so HighLevel's retry of a failed attempt is handled. */
  release(): Promise<void>;
}

/**
 * INSTALL and UNINSTALL act at once (no job), so their `webhookId` is claimed in the inbox before
 * acting: a captured, signed UNINSTALL replayed inside the timestamp window finds its claim and does
 * nothing. The row is stored `processed` with no job; a failed attempt releases it.
 */
export async function claimInstallEvent(
  deps: Pick<HighLevelInboxDeps, 'db' | 'now' | 'newId'>,
  input: { rawBody: Buffer; headers: HeaderBag; event: Record<string, unknown> },
): Promise<InstallEventClaim> {
  const { event } = input;
  const webhookId = typeof event['webhookId'] === 'string' ? scalarText(event['webhookId']) : null;
  const dedupeKey = webhookId !== null ? boundedKey('webhook', webhookId) : bodyKey(input.rawBody);
  const at = deps.now();
  const id = (deps.newId ?? newSortableId)();
  const inserted = await deps.db
    .insertInto('inbox')
    .values({
      ...inboxValues(
        id,
        {
          source: 'highlevel',
          dedupeKey,
          topic: typeof event['type'] === 'string' ? scalarText(event['type']) : null,
          contentType: typeof input.headers['content-type'] === 'string' ? input.headers['content-type'] : null,
          headers: storableHeaders(input.headers),
          body: input.rawBody.toString('utf8'),
          mapped: idsOf(event),
          status: 'received',
        },
        at,
      ),
      status: 'processed',
      processed_at: at,
    })
    .onConflict((oc) => oc.columns(['source', 'dedupe_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return {
    claimed: inserted !== undefined,
    release: async () => {
      if (inserted) await deps.db.deleteFrom('inbox').where('id', '=', id).execute();
    },
  };
}

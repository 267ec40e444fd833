/**
 * `conversations.find-or-create`: the contact's one conversation. HighLevel keeps
 * one conversation per contact and answers a second create with 400 "Conversation with the contact
 * id:… already exists!" and no id (https://github.com/GoHighLevel/highlevel-api-docs/issues/5), so:
 * search by contactId; create when none; on that 400, search again, a few times, because the live
 * search can lag a fresh conversation. Still nothing: a retryable failure, and the job tries later.
 */
import { HighLevelError } from '../../highlevel/errors.js';
import { findOperation } from '../../highlevel/operation-catalog.js';
import { WorkflowError } from '../workflow-error.js';
import { type ActionContext, type ActionSpec, callHighLevel } from './action-types.js';
import { indexFoundConversation } from './index-what-we-wrote.js';

/** Waits between searches after the "already exists" answer: 250 ms doubling, about 3.75 s in all. */
export const SEARCH_RETRY_DELAYS_MS = [250, 500, 1000, 2000] as const;

interface Found {
  id: string;
  contactId: string;
  locationId: string;
  created: boolean;
}

const ALREADY_EXISTS = /already exists/i;

/** The conversation, once the local index has it too, so an agent can find it at once. */
async function indexed(context: ActionContext, found: Found): Promise<Found> {
  await indexFoundConversation(context, found);
  return found;
}

function isAlreadyExists(error: unknown): boolean {
  return (
    error instanceof HighLevelError &&
    error.status === 400 &&
    [error.message, ...error.messages].some((text) => ALREADY_EXISTS.test(text))
  );
}

async function search(context: ActionContext, locationId: string, contactId: string): Promise<Found | null> {
  const result = await callHighLevel<{ conversations: { id: string; contactId?: string }[] }>(
    context,
    'search-conversation',
    { query: { locationId, contactId, limit: 1 } },
  );
  const hit = result.data.conversations.find((c) => c.contactId === undefined || c.contactId === contactId);
  return hit ? { id: hit.id, contactId, locationId, created: false } : null;
}

export const findOrCreateConversation: ActionSpec = {
  name: 'conversations.find-or-create',
  description:
    "the contact's conversation: search by contactId, else create (POST /conversations/); output { id, contactId, locationId, created }",
  operations: ['search-conversation', 'create-conversation'],
  scopes: [...new Set(['search-conversation', 'create-conversation'].flatMap((id) => findOperation(id).scopes))].sort(),
  unsafe: false,
  inputs: [
    { name: 'contactId', required: true, place: 'action', description: 'the HighLevel contact id' },
    { name: 'locationId', required: true, place: 'action', defaulted: true },
  ],
  async execute(input, context) {
    const contactId = String(input.contactId);
    const locationId = typeof input.locationId === 'string' ? input.locationId : context.locationId;
    const existing = await search(context, locationId, contactId);
    if (existing) return indexed(context, existing);
    try {
      const created = await callHighLevel<{ conversation: { id: string } }>(context, 'create-conversation', {
        body: { locationId, contactId },
      });
      return indexed(context, { id: created.data.conversation.id, contactId, locationId, created: true });
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
    }
    for (const delayMs of SEARCH_RETRY_DELAYS_MS) {
      await context.sleep(delayMs);
      const found = await search(context, locationId, contactId);
      if (found) return indexed(context, found);
    }
    throw new WorkflowError(
      'conversation_not_found',
      `HighLevel says contact ${contactId} already has a conversation, but search-conversation does not list it yet (HighLevel's search lags a new conversation); will try again`,
      { retryable: true },
    );
  },
};

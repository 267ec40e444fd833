/** Conversations of the harness's seeded location whose contact has a phone and an email (SMS and Email replies need both). */
import type { SandboxState } from '../../../src/sandbox/highlevel/state/sandbox-state.js';
import type { ConsoleApp } from '../../helpers/console-app.js';

export async function reachableConversations(harness: ConsoleApp): Promise<{ state: SandboxState; ids: string[] }> {
  const state = harness.sandbox.sandbox.domain?.state as SandboxState;
  const found = await harness.deps.index.search({ locationId: harness.locationId, limit: 50 });
  const reachable = (contactId: string | null) => {
    const contact = contactId ? state.contacts.get(contactId) : undefined;
    return Boolean(contact?.phone && contact.email);
  };
  return { state, ids: found.items.filter((c) => reachable(c.contactId)).map((c) => c.conversationId) };
}

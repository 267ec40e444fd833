/**
 * The HighLevel sandbox's domain layer: in-memory contacts, conversations and messages, and one handler
 * per operation. The HTTP layer (auth, scopes, rate limits, validation against the patched spec) calls
 * `handlers[operationId]` with an already validated request (contract: ./types.ts).
 */
import { buildHandlers } from './handlers/index.js';
import { seedBulk } from './seed-bulk.js';
import { seedLocation } from './seed-location.js';
import { SandboxState } from './state/sandbox-state.js';
import type { OperationHandler, SandboxWebhookEvent } from './types.js';

export { SandboxState } from './state/sandbox-state.js';

export interface SandboxDomainOptions {
  now: () => number;
  newId: () => string;
  emit: (e: SandboxWebhookEvent) => void;
  /** get-messages answer shape; 'wrapped' (default) like the live API per highlevel-api-docs#54. */
  messagesShape?: 'wrapped' | 'flat';
}

export interface SeedResult {
  locationId: string;
  contacts: number;
  conversations: number;
  messages: number;
  callMessageId: string;
}

export interface SandboxDomain {
  /** Keys: all 29 conversations operationIds (see CONVERSATION_OPERATIONS) plus 'upsert-contact' and 'get-contact'. */
  handlers: Record<string, OperationHandler>;
  /**
   * Creates sample contacts (attendees), one conversation each with a few messages, and one call message
   * with a recording + transcription. With `messagesPerConversation`, bulk seeding instead (seed-bulk.ts):
   * exactly that many messages each, a call with a transcription in every tenth conversation, up to 100,000 attendees.
   */
  seedLocation(locationId: string, options?: { attendees?: number; messagesPerConversation?: number }): SeedResult;
  /** Read access for tests and later features (counts, lookups). */
  state: SandboxState;
}

export function createSandboxDomain(options: SandboxDomainOptions): SandboxDomain {
  for (const name of ['now', 'newId', 'emit'] as const) {
    if (typeof options?.[name] !== 'function') {
      throw new TypeError(`createSandboxDomain: options.${name} must be a function`);
    }
  }
  const messagesShape = options.messagesShape ?? 'wrapped';
  if (messagesShape !== 'wrapped' && messagesShape !== 'flat') {
    throw new TypeError(
      `createSandboxDomain: options.messagesShape must be 'wrapped' or 'flat', got ${String(messagesShape)}`,
    );
  }
  const state = new SandboxState();
  return {
    handlers: buildHandlers({ state, messagesShape }),
    seedLocation: (locationId, seedOptions) =>
      seedOptions?.messagesPerConversation === undefined
        ? seedLocation(state, { now: options.now, newId: options.newId }, locationId, seedOptions?.attendees ?? 10)
        : seedBulk(state, { now: options.now, newId: options.newId }, locationId, {
            attendees: seedOptions.attendees ?? 10,
            messagesPerConversation: seedOptions.messagesPerConversation,
          }),
    state,
  };
}

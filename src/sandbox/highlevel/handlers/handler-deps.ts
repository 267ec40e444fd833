import type { SandboxState } from '../state/sandbox-state.js';
import type { OperationHandler } from '../types.js';

/** What every group of handlers is built from. */
export interface HandlerDeps {
  state: SandboxState;
  /** get-messages answer shape: 'wrapped' like the live API (highlevel-api-docs#54) or 'flat' like the spec. */
  messagesShape: 'wrapped' | 'flat';
}

export type HandlerMap = Record<string, OperationHandler>;

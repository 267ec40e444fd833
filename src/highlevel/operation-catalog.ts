/**
 * The operations the client can call: the 29 generated from HighLevel's conversations spec, plus
 * the two hand-described contact operations a conversation needs (contacts-api.ts).
 */

import { closestNames } from '../lib/closest-names.js';
import { CONTACT_OPERATIONS } from './contacts-api.js';
import { HighLevelUnknownOperationError } from './errors.js';
import { CONVERSATION_OPERATIONS } from './generated/operations.js';
import type { OperationDescriptor } from './operation-descriptor.js';

export const KNOWN_OPERATIONS: readonly OperationDescriptor[] = [...CONVERSATION_OPERATIONS, ...CONTACT_OPERATIONS];

const BY_ID = new Map(KNOWN_OPERATIONS.map((op) => [op.operationId, op]));

/** The known operationIds closest to `name`: containing it first, then by edit distance. */
export function closestOperationIds(name: string, limit = 3): string[] {
  return closestNames(
    name,
    KNOWN_OPERATIONS.map((op) => op.operationId),
    limit,
  );
}

export function findOperation(operationId: string): OperationDescriptor {
  const op = BY_ID.get(operationId);
  if (op) return op;
  const suggestions = closestOperationIds(operationId);
  const message = `Unknown HighLevel operation "${operationId}"; did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?`;
  throw new HighLevelUnknownOperationError(message, { operationId, suggestions });
}

/**
 * What makes two calls of an action "the same call". HighLevel sends no execution id and states no
 * retry rules (https://github.com/GoHighLevel/highlevel-api-docs/issues/323), so a repeated call is
 * recognised by what it asks: location, workflow, contact, action key and version, the action's own
 * fields, and the optional "Once per" field a workflow can fill to make calls distinct on purpose.
 */
import { createHash } from 'node:crypto';
import type { ActionRequest } from './action-request.js';

export function onceKey(request: ActionRequest, fields: readonly (string | null)[]): string {
  const parts = [
    request.extras.locationId,
    request.extras.workflowId ?? '',
    request.extras.contactId ?? '',
    request.meta.key ?? '',
    request.meta.version ?? '',
    ...fields.map((field) => field ?? ''),
  ];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

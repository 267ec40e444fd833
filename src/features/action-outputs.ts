/**
 * What each action's step returns at its top level, so the workflow studio can offer a later step the
 * fields it may read (`steps.<id>.<output>`). parley's own actions list what their `execute` returns
 * (src/workflows/actions/); a `highlevel.*` action returns HighLevel's answer, whose top-level keys are
 * its success response's properties in the bundled OpenAPI file (HighLevel documents some as empty).
 */
import { findOperation } from '../highlevel/operation-catalog.js';
import type { ActionSpec } from '../workflows/actions/action-types.js';
import { HIGHLEVEL_ACTION_PREFIX } from '../workflows/actions/highlevel-actions.js';
import { readSpec } from '../workflows/actions/operation-inputs.js';
import { toJsonSchema } from './action-input-schemas.js';

const OWN_OUTPUTS: Readonly<Record<string, readonly string[]>> = {
  'contacts.upsert': ['id', 'new'],
  'contacts.add-tags': ['contactId', 'tags'],
  'conversations.find-or-create': ['id', 'contactId', 'locationId', 'created'],
  'links.save': ['eventKey', 'attendeeId', 'locationId', 'contactId', 'conversationId', 'welcomeMessageId'],
  'preferences.save': ['contactId', 'key', 'value'],
  'preferences.ask': ['key', 'numbers'],
  'preferences.answer': ['key', 'status', 'matched', 'value', 'number', 'label', 'reply'],
};

/** The first 2xx JSON response's top-level property names. */
function responseProperties(operationId: string): string[] {
  const op = findOperation(operationId);
  const responses = readSpec().paths[op.path]?.[op.method.toLowerCase()]?.responses ?? {};
  const success = Object.keys(responses).find((code) => code.startsWith('2'));
  if (success === undefined) return [];
  const schema = toJsonSchema(responses[success]?.content?.['application/json']?.schema);
  const properties = schema.properties;
  return properties !== null && typeof properties === 'object' ? Object.keys(properties) : [];
}

export function actionOutputs(action: Pick<ActionSpec, 'name'>): string[] {
  const own = OWN_OUTPUTS[action.name];
  if (own !== undefined) return [...own];
  if (action.name.startsWith(HIGHLEVEL_ACTION_PREFIX)) {
    return responseProperties(action.name.slice(HIGHLEVEL_ACTION_PREFIX.length));
  }
  return [];
}

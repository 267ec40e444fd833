/** Every action a workflow step can name: all Conversations operations plus the composites (`parley catalog`). */
import { closestNames } from '../../lib/closest-names.js';
import type { ActionSpec } from './action-types.js';
import { contactsAddTags } from './contacts-add-tags.js';
import { contactsUpsert } from './contacts-upsert.js';
import { findOrCreateConversation } from './find-or-create-conversation.js';
import { HIGHLEVEL_ACTIONS } from './highlevel-actions.js';
import { linksSave } from './links-save.js';
import { preferencesAnswer } from './preferences-answer.js';
import { preferencesAsk } from './preferences-ask.js';
import { preferencesSave } from './preferences-save.js';

export const ACTIONS: readonly ActionSpec[] = [
  contactsUpsert,
  contactsAddTags,
  findOrCreateConversation,
  linksSave,
  preferencesSave,
  preferencesAsk,
  preferencesAnswer,
  ...HIGHLEVEL_ACTIONS,
];

const BY_NAME = new Map(ACTIONS.map((action) => [action.name, action]));

export function getAction(name: string): ActionSpec | undefined {
  return BY_NAME.get(name);
}

export function closestActionNames(name: string, limit = 3): string[] {
  return closestNames(name, [...BY_NAME.keys()], limit);
}

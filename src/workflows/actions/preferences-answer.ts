/**
 * `preferences.answer`: reads a reply as the answer to the question asked under `key`
 * (preferences.ask), stores it (the matched value and the raw text, src/preferences/preference-rows.ts)
 * and says what to send back: the question's confirmation after a match, its re-ask otherwise.
 *
 * The question is open until the contact has a matched answer; a later message is conversation, not
 * an answer (status `closed`: nothing stored, nothing to send). An opt-out word gets no re-ask.
 * Without a recorded question only the raw text is kept. Output: { key, status, matched, value,
 * number, label, reply }, status one of matched, unparsed, opt_out, closed, no_question.
 */
import { askedQuestion } from '../../preferences/asked-questions.js';
import { matchAnswer } from '../../preferences/match-answer.js';
import { answeredBefore, saveAnswer } from '../../preferences/preference-rows.js';
import { labelOf } from '../../preferences/question.js';
import { confirmationOf, reaskOf } from '../../preferences/reply-text.js';
import type { ActionSpec } from './action-types.js';

function text(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
}

export const preferencesAnswer: ActionSpec = {
  name: 'preferences.answer',
  description:
    'match a reply against the question asked under key, store value and raw text (preferences table); output { status, matched, value, reply }',
  operations: [],
  scopes: [],
  unsafe: false,
  inputs: [
    { name: 'contactId', required: true, place: 'action', description: 'the HighLevel contact id' },
    { name: 'key', required: true, place: 'action', description: 'the key of the question (its question.key)' },
    // Not required: a reply with only an attachment has no text and is still an (unparsed) answer.
    { name: 'text', required: false, place: 'action', description: 'the reply as the contact wrote it' },
    { name: 'locationId', required: true, place: 'action', defaulted: true },
  ],
  async execute(input, context) {
    const now = context.now();
    const locationId = text(input.locationId) ?? context.locationId;
    const contactId = String(input.contactId);
    const key = String(input.key);
    const raw = text(input.text) ?? '';
    const where = { locationId, contactId, key };
    const none = { key, matched: false, value: null, number: null, label: null, reply: '' };

    const question = await askedQuestion(context.db, key);
    if (!question) {
      await saveAnswer(context.db, { ...where, value: null, raw, now });
      return { ...none, status: 'no_question' };
    }
    if (await answeredBefore(context.db, { ...where, before: context.run.startedAt ?? now })) {
      return { ...none, status: 'closed' };
    }
    const match = matchAnswer(question, raw);
    if (match.status !== 'matched') {
      await saveAnswer(context.db, { ...where, value: null, raw, now });
      const reply = match.status === 'opt-out' ? '' : reaskOf(question);
      return { ...none, status: match.status === 'opt-out' ? 'opt_out' : 'unparsed', reply };
    }
    const { option } = match;
    await saveAnswer(context.db, { ...where, value: option.value, raw, now });
    return {
      key,
      status: 'matched',
      matched: true,
      value: option.value,
      number: option.number,
      label: labelOf(option),
      reply: confirmationOf(question, option),
    };
  },
};

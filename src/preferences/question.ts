/**
 * A preference question as plain data: a key the answer is stored under, the prompt, numbered options
 * (each with the value stored and the words that name it), and the confirmation and re-ask texts. The
 * check-in welcome asks it (workflows/builtin/checkin-welcome.yaml) and its reply is matched against
 * the same data (match-answer.ts), so the numbers in the text and the parser cannot disagree.
 */
import { z } from 'zod';

/** Stored under this key, with the raw text under `<key>.raw` (preference-rows.ts), so no dots. */
export const QUESTION_KEY_PATTERN = /^[a-z][a-z0-9_-]*$/;

export const OptionSchema = z.strictObject({
  number: z
    .number({ error: 'expected a whole number the attendee replies with, e.g. 1' })
    .int({ error: 'expected a whole number the attendee replies with, e.g. 1' })
    .min(0, { error: 'expected a number from 0 to 99' })
    .max(99, { error: 'expected a number from 0 to 99' }),
  value: z.string().trim().min(1, { error: 'expected the value to store for this option, e.g. workshops' }),
  /** How the option reads in the question and the confirmation; the value when absent. */
  label: z.string().trim().min(1, { error: 'expected the words the question uses for this option' }).optional(),
  /** Words or phrases that choose this option besides its number, value and label. */
  keywords: z.array(z.string().trim().min(1, { error: 'expected a word or phrase, not an empty string' })).optional(),
});

export const QuestionSchema = z.strictObject({
  key: z.string().regex(QUESTION_KEY_PATTERN, {
    error: 'expected a key of lowercase letters, digits, "_" and "-" (no dots), e.g. updates',
  }),
  prompt: z.string().trim().min(1, { error: 'expected the question text, e.g. What would you like to hear about?' }),
  options: z.array(OptionSchema).min(2, { error: 'expected at least two options' }),
  /** Liquid over `choice` (number, value, label) and `question`: sent after an answer that matched. */
  confirm: z.string().trim().min(1, { error: 'expected the confirmation text sent after a matched answer' }),
  /** Liquid over `question`: sent after an answer that matched no option (or more than one). */
  reask: z.string().trim().min(1, { error: 'expected the text sent when an answer matches no option' }),
});

export type QuestionOption = z.infer<typeof OptionSchema>;
export type Question = z.infer<typeof QuestionSchema>;

/** What templates see as `question` (and `choice` for one option). */
export interface QuestionScope {
  key: string;
  prompt: string;
  options: { number: number; value: string; label: string; keywords: string[] }[];
  /** `1 for keynote updates, 2 for workshop reminders, 3 for networking`. */
  choices: string;
  /** `1, 2 or 3`. */
  numbers: string;
}

export function labelOf(option: QuestionOption): string {
  return option.label ?? option.value;
}

export function choiceOf(option: QuestionOption): { number: number; value: string; label: string } {
  return { number: option.number, value: option.value, label: labelOf(option) };
}

export function questionScope(question: Question): QuestionScope {
  const options = question.options.map((option) => ({ ...choiceOf(option), keywords: [...(option.keywords ?? [])] }));
  const numbers = options.map((option) => String(option.number));
  return {
    key: question.key,
    prompt: question.prompt,
    options,
    choices: options.map((option) => `${option.number} for ${option.label}`).join(', '),
    numbers: numbers.length < 2 ? numbers.join('') : `${numbers.slice(0, -1).join(', ')} or ${numbers.at(-1)}`,
  };
}

/** The key the raw text of an answer is stored under. */
export function rawKeyOf(key: string): string {
  return `${key}.raw`;
}

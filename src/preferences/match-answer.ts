/**
 * Which option of a question a free-text reply chooses. An option is named by its number (digits,
 * `2nd`, `two`, `second`) or by one of its phrases (its value, its label and its keywords, whole words,
 * plural or singular, any case); every other word is filler. The whole number counts: "12" is option
 * 12, never option 1. A reply naming two different options is ambiguous, and a reply with a negation
 * ("not 2", "don't want workshops") is not trusted: both are unparsed, so the attendee is asked again
 * rather than signed up for the wrong thing. A reply with an opt-out word (STOP, UNSUBSCRIBE, …) is
 * neither answer nor confusion: it gets no re-ask.
 */
import { numberOfWord, stemOf, wordsOf } from './answer-words.js';
import { labelOf, type Question, type QuestionOption } from './question.js';

export type AnswerMatch =
  | { status: 'matched'; option: QuestionOption }
  | { status: 'unparsed'; reason: 'nothing' | 'ambiguous' | 'negated' }
  | { status: 'opt-out' };

const NEGATIONS = new Set([
  'not',
  'dont',
  'doesnt',
  'didnt',
  'cant',
  'wont',
  'never',
  'nothing',
  'none',
  'neither',
  'nor',
  'without',
  'except',
]);

/** The opt-out keywords SMS carriers act on (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT) and close variants. */
const OPT_OUT = new Set(['stop', 'stopall', 'unsubscribe', 'cancel', 'end', 'quit', 'revoke', 'optout']);

interface Phrase {
  option: QuestionOption;
  stems: string[];
}

/** Every option's phrases as word stems, longest first, so "hands on" wins over "hands". */
export function phrasesOf(question: Pick<Question, 'options'>): Phrase[] {
  const phrases: Phrase[] = [];
  for (const option of question.options) {
    const texts = new Set([option.value, labelOf(option), ...(option.keywords ?? [])]);
    for (const text of texts) {
      const stems = wordsOf(text).map(stemOf);
      if (stems.length > 0) phrases.push({ option, stems });
    }
  }
  return phrases.sort((a, b) => b.stems.length - a.stems.length);
}

function phraseAt(stems: readonly string[], at: number, phrase: Phrase): boolean {
  return phrase.stems.every((stem, offset) => stems[at + offset] === stem);
}

export function matchAnswer(question: Pick<Question, 'options'>, text: string): AnswerMatch {
  const words = wordsOf(text);
  if (words.some((word) => OPT_OUT.has(word))) return { status: 'opt-out' };
  const stems = words.map(stemOf);
  const phrases = phrasesOf(question);
  const byNumber = new Map(question.options.map((option) => [option.number, option]));
  const named = new Set<QuestionOption>();

  for (let at = 0; at < words.length; ) {
    const phrase = phrases.find((candidate) => phraseAt(stems, at, candidate));
    if (phrase) {
      named.add(phrase.option);
      // A phrase's words are used up: "one-on-one" as a keyword is not also the number one.
      at += phrase.stems.length;
      continue;
    }
    const word = words[at] ?? '';
    const number = numberOfWord(word);
    // "the second one": `one` after a number is a pronoun, not option 1.
    const pronoun = word === 'one' && at > 0 && numberOfWord(words[at - 1] ?? '') !== null;
    const option = number === null || pronoun ? undefined : byNumber.get(number);
    if (option) named.add(option);
    at += 1;
  }

  if (named.size === 0) return { status: 'unparsed', reason: 'nothing' };
  if (words.some((word) => NEGATIONS.has(word))) return { status: 'unparsed', reason: 'negated' };
  if (named.size > 1) return { status: 'unparsed', reason: 'ambiguous' };
  const [option] = named;
  return option ? { status: 'matched', option } : { status: 'unparsed', reason: 'nothing' };
}

/**
 * How a free-text answer is read: folded to lowercase ASCII-ish words (accents, full-width digits and
 * keycap emoji fold to their plain form; apostrophes join, every other mark separates), and the words
 * that stand for numbers (digits, ordinals like 2nd, number words up to twenty, first to tenth).
 */

/** `" WORKSHOP!"` → `['workshop']`, `"Hands-on, please"` → `['hands', 'on', 'please']`, `"２️⃣"` → `['2']`. */
export function wordsOf(text: string): string[] {
  const folded = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’‘`´]/g, '');
  return folded.match(/[a-z0-9]+/g) ?? [];
}

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
};

/** The number a word stands for, or null: `2`, `02`, `2nd`, `two`, `second`. */
export function numberOfWord(word: string): number | null {
  const digits = /^(\d{1,6})(?:st|nd|rd|th)?$/.exec(word);
  if (digits?.[1] !== undefined) return Number(digits[1]);
  return NUMBER_WORDS[word] ?? null;
}

/** Plural and singular read alike (`workshops` = `workshop`, `keynotes` = `keynote`); short words stay. */
export function stemOf(word: string): string {
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

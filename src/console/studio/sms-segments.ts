/**
 * How many SMS segments a text takes, for the studio's live preview. A text of only GSM 03.38
 * characters goes as GSM-7: 160 septets in one message, else 153 per segment (7 go to the
 * concatenation header); the extension characters (€ [ ] { } ^ ~ | \ and form feed) take two septets
 * each. Anything else (a curly quote, an emoji) makes the whole text UCS-2: 70 UTF-16 units, else 67
 * per segment. https://en.wikipedia.org/wiki/GSM_03.38 and
 * https://en.wikipedia.org/wiki/Concatenated_SMS give the tables and sizes.
 * Phones do not split an escape pair or a surrogate pair across segments, so segments are packed
 * character by character rather than divided.
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsLength {
  encoding: SmsEncoding;
  /** Characters as a person counts them (code points). */
  characters: number;
  /** What the limits count: septets for GSM-7, UTF-16 units for UCS-2. */
  units: number;
  /** 0 for an empty text. */
  segments: number;
  /** The size of each segment of this text: 160 or 153 (GSM-7), 70 or 67 (UCS-2). */
  perSegment: number;
}

const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('^{}\\[~]|€\f');

export const LIMITS: Readonly<Record<SmsEncoding, { single: number; multi: number }>> = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
};

function gsmSize(char: string): number | null {
  if (GSM_BASIC.has(char)) return 1;
  if (GSM_EXTENSION.has(char)) return 2;
  return null;
}

export function smsLength(text: string): SmsLength {
  const chars = [...text];
  const gsmSizes = chars.map(gsmSize);
  const gsm = gsmSizes.every((size) => size !== null);
  const encoding: SmsEncoding = gsm ? 'GSM-7' : 'UCS-2';
  // A code point above U+FFFF is two UTF-16 units in UCS-2 (strictly UTF-16, as phones send it).
  const sizes = gsm ? (gsmSizes as number[]) : chars.map((char) => char.length);
  const units = sizes.reduce((sum, size) => sum + size, 0);
  const { single, multi } = LIMITS[encoding];
  if (units === 0) return { encoding, characters: 0, units: 0, segments: 0, perSegment: single };
  if (units <= single) return { encoding, characters: chars.length, units, segments: 1, perSegment: single };
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > multi) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return { encoding, characters: chars.length, units, segments, perSegment: multi };
}

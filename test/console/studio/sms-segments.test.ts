/**
 * SMS segment counting (src/console/studio/sms-segments.ts) at the limits that matter: 160/153 septets
 * for GSM-7, 70/67 UTF-16 units for UCS-2, two septets per extension character, and no segment that
 * splits an escape pair or a surrogate pair.
 */
import { describe, expect, it } from 'vitest';
import { smsLength } from '../../../src/console/studio/sms-segments.js';

describe('smsLength', () => {
  it('counts an empty text as no segment', () => {
    expect(smsLength('')).toMatchObject({ encoding: 'GSM-7', characters: 0, segments: 0 });
  });

  it('fits 160 plain characters in one GSM-7 segment', () => {
    expect(smsLength('a'.repeat(160))).toEqual({
      encoding: 'GSM-7',
      characters: 160,
      units: 160,
      segments: 1,
      perSegment: 160,
    });
  });

  it('splits 161 plain characters into two segments of at most 153', () => {
    expect(smsLength('a'.repeat(161))).toMatchObject({ segments: 2, perSegment: 153 });
    expect(smsLength('a'.repeat(306))).toMatchObject({ segments: 2 });
    expect(smsLength('a'.repeat(307))).toMatchObject({ segments: 3 });
  });

  it('keeps GSM-7 for accented letters of the basic table', () => {
    expect(smsLength('Café à Malmö, Ñoño')).toMatchObject({ encoding: 'GSM-7', units: 18 });
    // ú is not in the table (ù is): one such letter makes it UCS-2.
    expect(smsLength('Ñandú')).toMatchObject({ encoding: 'UCS-2' });
  });

  it('counts an extension character as two septets', () => {
    expect(smsLength('€5 [VIP]')).toMatchObject({ encoding: 'GSM-7', characters: 8, units: 11 });
    expect(smsLength('€'.repeat(80))).toMatchObject({ units: 160, segments: 1 });
    expect(smsLength(`${'€'.repeat(80)}a`)).toMatchObject({ units: 161, segments: 2 });
  });

  it('never splits an escape pair across two segments', () => {
    // 152 septets, then € (2 septets) would straddle the 153 boundary: it opens the second segment.
    const text = `${'a'.repeat(152)}€${'a'.repeat(152)}`;
    expect(smsLength(text)).toMatchObject({ units: 306, segments: 3 });
  });

  it('switches the whole text to UCS-2 for one curly quote', () => {
    expect(smsLength('You’re in')).toEqual({
      encoding: 'UCS-2',
      characters: 9,
      units: 9,
      segments: 1,
      perSegment: 70,
    });
  });

  it('splits UCS-2 at 70 then 67 units', () => {
    expect(smsLength(`’${'a'.repeat(69)}`)).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    expect(smsLength(`’${'a'.repeat(70)}`)).toMatchObject({ segments: 2, perSegment: 67 });
    expect(smsLength(`’${'a'.repeat(133)}`)).toMatchObject({ units: 134, segments: 2 });
    expect(smsLength(`’${'a'.repeat(134)}`)).toMatchObject({ segments: 3 });
  });

  it('counts an emoji as one character but two units, never split across segments', () => {
    expect(smsLength('🎉')).toMatchObject({ encoding: 'UCS-2', characters: 1, units: 2, segments: 1 });
    const text = `${'a'.repeat(66)}🎉${'a'.repeat(10)}`;
    expect(smsLength(text)).toMatchObject({ characters: 77, units: 78, segments: 2 });
  });
});

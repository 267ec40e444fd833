/**
 * Which sponsors an attendee's message belongs to: a keyword counts as whole words in any case, a
 * multi-word keyword across any spacing, and a contact tag `sponsor:<key>` counts in any case.
 */
import { expect, it } from 'vitest';
import { sponsorsNamedIn, sponsorsTaggedOn } from '../../src/search/sponsor-routing.js';
import type { SponsorConfig } from '../../src/search/sponsor-settings.js';

const acme: SponsorConfig = { name: 'Acme', keyword: 'ACME', key: 'acme', staff: [] };
const globex: SponsorConfig = { name: 'Globex', keyword: 'Globex Corp', key: 'globex-corp', staff: [] };
const sponsors = [acme, globex];
const named = (body: string) => sponsorsNamedIn(body, sponsors).map((s) => s.name);

it('finds a keyword as a whole word in any case, punctuation around it', () => {
  expect(named('Hi ACME, can I book a demo?')).toEqual(['Acme']);
  expect(named('acme: booth 12 tomorrow')).toEqual(['Acme']);
  expect(named("what's at Acme's stand")).toEqual(['Acme']);
});

it('does not find a keyword inside another word', () => {
  expect(named('I live in Acmeville')).toEqual([]);
  expect(named('ACME2 is not Acme')).toEqual(['Acme']);
  expect(named('nothing here')).toEqual([]);
  expect(named('')).toEqual([]);
});

it('finds each sponsor a message names, a multi-word keyword across any spacing', () => {
  expect(named('Question for globex\n  corp and ACME')).toEqual(['Acme', 'Globex']);
  expect(named('Globex alone')).toEqual([]);
});

it('finds the sponsors a contact is tagged for, as sponsor:<key> in any case', () => {
  expect(sponsorsTaggedOn(['attendee', 'Sponsor:ACME', 7], sponsors).map((s) => s.name)).toEqual(['Acme']);
  expect(sponsorsTaggedOn(['sponsor', 'sponsor:globex'], sponsors)).toEqual([]);
  expect(sponsorsTaggedOn(['sponsor:globex-corp'], sponsors).map((s) => s.name)).toEqual(['Globex']);
});

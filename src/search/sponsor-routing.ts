/**
 * Which sponsors an attendee's message belongs to (the model the README's "Sponsor channel" section
 * describes): a message that names a sponsor's keyword as whole words, case-insensitively ("ACME",
 * "acme's booth", not "acmeville"), or a contact tagged `sponsor:<key>` in HighLevel.
 */
import type { SponsorConfig } from './sponsor-settings.js';

/** `sponsor:<key>`: the contact tag that puts a contact's conversation in that sponsor's channel. */
export const SPONSOR_TAG_PREFIX = 'sponsor:';

export function sponsorTagOf(sponsor: Pick<SponsorConfig, 'key'>): string {
  return `${SPONSOR_TAG_PREFIX}${sponsor.key}`;
}

const patterns = new WeakMap<SponsorConfig, RegExp>();

function keywordPattern(sponsor: SponsorConfig): RegExp {
  let pattern = patterns.get(sponsor);
  if (!pattern) {
    // The config allows only letters, digits, spaces, - and _ (sponsor-settings.ts): nothing to escape.
    const words = sponsor.keyword.trim().split(/\s+/);
    // Letters or digits on either side would make it part of another word.
    pattern = new RegExp(`(?<![\\p{L}\\p{N}])${words.join('\\s+')}(?![\\p{L}\\p{N}])`, 'iu');
    patterns.set(sponsor, pattern);
  }
  return pattern;
}

export function sponsorsNamedIn(body: string, sponsors: readonly SponsorConfig[]): SponsorConfig[] {
  return body === '' ? [] : sponsors.filter((sponsor) => keywordPattern(sponsor).test(body));
}

export function sponsorsTaggedOn(tags: readonly unknown[], sponsors: readonly SponsorConfig[]): SponsorConfig[] {
  const lower = new Set(tags.filter((t): t is string => typeof t === 'string').map((t) => t.trim().toLowerCase()));
  return sponsors.filter((sponsor) => lower.has(sponsorTagOf(sponsor)));
}

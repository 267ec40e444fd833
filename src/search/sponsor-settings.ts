/**
 * `sponsor` in the config file: the sponsors attendees can write to, the keyword that routes an
 * attendee's message to each, and the console users (role sponsor) who answer for them. The old
 * `staffContactIds` relay is still read but deprecated (`parley doctor` warns about it).
 */
import { z } from 'zod';

/**
 * A keyword is matched as whole words in an attendee's message (src/search/sponsor-routing.ts), so it
 * is letters and digits, with spaces, - or _ only inside.
 */
const KEYWORD_PATTERN = /^[\p{L}\p{N}](?:[\p{L}\p{N} _-]{0,38}[\p{L}\p{N}])?$/u;

export const SponsorEntrySchema = z.strictObject({
  name: z.string().trim().min(1, { error: 'expected the sponsor name attendees know, such as Acme' }),
  keyword: z.string().regex(KEYWORD_PATTERN, {
    error: 'expected a word or short phrase such as ACME (letters and digits; spaces, - and _ only inside; at most 40)',
  }),
  staff: z.array(z.email({ error: 'expected the email of a console user with role sponsor' })).optional(),
});

export const SponsorSettingsSchema = z.strictObject({
  sponsors: z.array(SponsorEntrySchema).superRefine(eachKeywordOnce).optional(),
  // Plain ids only: each becomes a workflow template value (src/features/enabled-workflows.ts).
  staffContactIds: z
    .array(
      z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'expected a HighLevel contact id (letters, digits, _ and -)' }),
    )
    .optional(),
});

type RawSponsorSettings = z.infer<typeof SponsorSettingsSchema>;

export interface SponsorConfig {
  name: string;
  /** As written; matched case-insensitively as whole words. */
  keyword: string;
  /** sponsorKeyOf(keyword): what the local index stores and the contact tag names (`sponsor:<key>`). */
  key: string;
  /** Console users who answer for this sponsor, lower-case. */
  staff: string[];
}

export interface SponsorSettings {
  sponsors: SponsorConfig[];
  /** Deprecated: HighLevel contact ids the old relay copies sponsor-tagged contacts' messages to. */
  staffContactIds: string[];
}

/** The stable id of a sponsor: its keyword lower-cased, runs of spaces as '-' (`ACME Corp` → `acme-corp`). */
export function sponsorKeyOf(keyword: string): string {
  return keyword.trim().toLowerCase().replace(/\s+/g, '-');
}

export function applySponsorDefaults(raw: RawSponsorSettings | undefined): SponsorSettings {
  return {
    sponsors: (raw?.sponsors ?? []).map((entry) => ({
      name: entry.name,
      keyword: entry.keyword,
      key: sponsorKeyOf(entry.keyword),
      staff: [...new Set((entry.staff ?? []).map((email) => email.toLowerCase()))],
    })),
    staffContactIds: [...new Set(raw?.staffContactIds ?? [])],
  };
}

/** Two sponsors with one keyword would each claim the other's messages. */
function eachKeywordOnce(sponsors: { keyword: string }[], ctx: z.RefinementCtx<{ keyword: string }[]>): void {
  const seen = new Set<string>();
  sponsors.forEach((sponsor, index) => {
    const key = sponsorKeyOf(sponsor.keyword);
    if (seen.has(key)) {
      ctx.addIssue({
        code: 'custom',
        path: [index, 'keyword'],
        message: `expected each keyword once; "${sponsor.keyword}" is already another sponsor's`,
      });
    }
    seen.add(key);
  });
}

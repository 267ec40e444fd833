/**
 * Every feature name the config's `features:` accepts, in the order `parley scopes` lists them;
 * feature-operations.ts and the scope planner describe what each one needs.
 */
import { z } from 'zod';

export type FeatureName =
  | 'registration-welcome'
  | 'checkin-welcome'
  | 'session-highlights'
  | 'sponsor-channel'
  | 'agent-console'
  | 'agent-console-readonly'
  | 'marketplace';

export const FEATURE_NAMES = [
  'registration-welcome',
  'checkin-welcome',
  'session-highlights',
  'sponsor-channel',
  'agent-console',
  'agent-console-readonly',
  'marketplace',
] as const satisfies readonly FeatureName[];

// Fails to compile when FeatureName gains a member this list lacks.
type Missing = Exclude<FeatureName, (typeof FEATURE_NAMES)[number]>;
const everyFeatureListed: [Missing] extends [never] ? true : never = true;
void everyFeatureListed;

/**
 * On unless asked for: the read-only agent console is an alternative to the full console for teams
 * that must not write, so it is opt-in (enabling both would only widen nothing but the list). The
 * marketplace (HighLevel workflow-builder triggers and actions, src/marketplace/) needs a published
 * Marketplace app and the `workflows.readonly` scope, so it is opt-in too.
 */
const OPT_IN: readonly FeatureName[] = ['agent-console-readonly', 'marketplace'];
export const DEFAULT_FEATURES: FeatureName[] = FEATURE_NAMES.filter((name) => !OPT_IN.includes(name));

export function isFeatureName(value: string): value is FeatureName {
  return (FEATURE_NAMES as readonly string[]).includes(value);
}

/** `features:` as written in the file. */
export const FeaturesSchema = z.array(z.enum(FEATURE_NAMES));

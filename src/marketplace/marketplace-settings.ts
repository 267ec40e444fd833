/**
 * `marketplace:` in parley.config.yaml (after defaults: src/app/file-config-defaults.ts). Read only
 * when the `marketplace` feature is on.
 * - `targetAuth`: what parley sends with a trigger firing to HighLevel's targetUrl. HighLevel documents
 *   no auth for it; `bearer` (the default) sends the location's access token, as community code does,
 *   and refreshes it once on 401 (src/marketplace/deliver-firing.ts); `none` sends no Authorization.
 */
import { z } from 'zod';

export interface MarketplaceSettings {
  targetAuth: 'bearer' | 'none';
}

export const MarketplaceSettingsSchema = z.strictObject({
  targetAuth: z.enum(['bearer', 'none']).optional(),
});

export function applyMarketplaceDefaults(
  raw: z.infer<typeof MarketplaceSettingsSchema> | undefined,
): MarketplaceSettings {
  return { targetAuth: raw?.targetAuth ?? 'bearer' };
}

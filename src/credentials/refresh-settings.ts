/** `refresh:` in parley.config.yaml, after defaults (src/app/file-config-defaults.ts). */
import { z } from 'zod';
export interface RefreshSettings {
  /** Refresh this long before expiry (default 15 min, as Nango uses). */
  marginSeconds: number;
  /** How often the background refresher looks for tokens coming due. */
  checkIntervalSeconds: number;
}

/** `refresh:` as written in the file. */
export const RefreshSettingsSchema = z.strictObject({
  marginSeconds: z.number().int().min(0).optional(),
  checkIntervalSeconds: z.number().int().min(1).optional(),
});

/** `highlevel:` in parley.config.yaml, after defaults (src/app/file-config-defaults.ts). */
import { z } from 'zod';
import { httpUrl } from '../config/setting-fields.js';
export interface HighLevelAppConfig {
  /** 'sandbox': the built-in sandbox (default until real credentials are connected); 'live': HighLevel. */
  target: 'sandbox' | 'live';
  /** API base URL; for 'sandbox' it is the built-in sandbox's URL. */
  baseUrl: string;
  /** Consent page (docs/highlevel-api.md); white-label apps use marketplace.leadconnectorhq.com. */
  authorizeUrl: string;
  clientId: string;
  /** From HIGHLEVEL_CLIENT_SECRET; for 'sandbox' the sandbox's fixed secret. */
  clientSecret: string;
  /** Where HighLevel sends the user back: parley's GET /oauth/highlevel/callback. */
  redirectUri: string;
  /** Public keys (PEM) accepted for webhook signatures; HighLevel's published keys by default. */
  webhookKeys: { ed25519: string[]; rsa: string[] };
}

/** `highlevel:` as written in the file. */
export const HighLevelSettingsSchema = z.strictObject({
  target: z.enum(['sandbox', 'live']).optional(),
  baseUrl: httpUrl.optional(),
  authorizeUrl: httpUrl.optional(),
  clientId: z.string().min(1).optional(),
  redirectUri: httpUrl.optional(),
  webhookKeys: z
    .strictObject({
      ed25519: z.array(z.string().min(1)).optional(),
      rsa: z.array(z.string().min(1)).optional(),
    })
    .optional(),
});

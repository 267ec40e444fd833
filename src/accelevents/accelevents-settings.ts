import { z } from 'zod';
import { httpUrl } from '../config/setting-fields.js';
import type { AcceleventsAuthPreset } from './auth-presets.js';
import { AUTH_PRESETS } from './auth-presets.js';

/** `accelevents:` in parley.config.yaml (its `webhook` part is the intake's), after defaults. */
export interface AcceleventsSettings {
  baseUrl: string;
  readAuth: AcceleventsAuthPreset;
  writeAuth: AcceleventsAuthPreset;
}

/** `accelevents:` as written in the file, without `webhook` (the intake's; src/intake/webhook-settings.ts). */
export const AcceleventsSettingsSchema = z.strictObject({
  baseUrl: httpUrl.optional(),
  readAuth: z.enum(AUTH_PRESETS).optional(),
  writeAuth: z.enum(AUTH_PRESETS).optional(),
});

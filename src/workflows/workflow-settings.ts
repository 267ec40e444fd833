/** `workflows:` in parley.config.yaml, after defaults (src/app/file-config-defaults.ts). */
import { z } from 'zod';
export interface WorkflowSettings {
  /** A user workflow file or directory, loaded beside the built-ins; absolute (resolved from cwd). */
  path: string | null;
}

/** `workflows:` as written in the file. */
export const WorkflowSettingsSchema = z.strictObject({
  path: z.string().min(1, { error: 'expected a workflow file or directory path' }).optional(),
});

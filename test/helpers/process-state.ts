/**
 * Runs before every test file (`setupFiles` in vitest.config.ts). Test files share worker processes
 * (`isolate: false` there), so process-wide state one file leaves behind would reach the next: the
 * environment and the exit code (set by the CLI's error handling) are put back as the file found them.
 */
import { afterAll } from 'vitest';

const env = { ...process.env };

afterAll(() => {
  for (const key of Object.keys(process.env)) {
    if (!(key in env)) delete process.env[key];
  }
  Object.assign(process.env, env);
  process.exitCode = undefined;
});

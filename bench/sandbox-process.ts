/**
 * Child process: one HighLevel sandbox with the limits it is given, on 127.0.0.1, port 0. It reports
 * `{ url }`; everything else (locations, tokens, stats) goes through its /sandbox/* admin routes.
 */
import { createLogger } from '../src/lib/create-logger.js';
import { startHighLevelSandbox } from '../src/sandbox/highlevel/create-sandbox.js';
import { benchInput, reportToParent } from './child-process.js';

export interface SandboxProcessInput {
  burstLimit: number;
  burstIntervalMs: number;
  dailyLimit: number;
}

const input = benchInput<SandboxProcessInput>();
const sandbox = await startHighLevelSandbox({
  port: 0,
  logger: createLogger({ level: 'silent' }),
  rsaModulusLength: 1024,
  attendees: 1,
  burstLimit: input.burstLimit,
  burstIntervalMs: input.burstIntervalMs,
  dailyLimit: input.dailyLimit,
});
reportToParent({ url: sandbox.url }, () => sandbox.close());

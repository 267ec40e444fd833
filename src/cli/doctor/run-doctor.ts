/**
 * `parley doctor`'s checks in order: setup (environment, config, master key, store, vault), each
 * connection (status, probe, scopes), then clock skew. A broken link skips what depends on it and
 * says so, so the first problem is never buried under its consequences.
 */

import type { CommandIo } from '../../app/command-io.js';
import { composeConnections } from '../../app/open-runtime.js';
import { processLogger } from '../../app/process-logger.js';
import { type CheckResult, describeError, fail, warn } from './check-result.js';
import { clockSkewCheck, type DateSample, sampleDate } from './clock-skew.js';
import { runConnectionChecks } from './connection-checks.js';
import { runSetupChecks } from './setup-checks.js';

export interface DoctorReport {
  ok: boolean;
  checks: CheckResult[];
}

export async function runDoctor(io: CommandIo): Promise<DoctorReport> {
  const checks: CheckResult[] = [];
  const report = (result: CheckResult): void => {
    checks.push(result);
  };
  const now = io.now ?? Date.now;
  const fetchImpl = io.fetch ?? fetch;
  const logger = processLogger(io.env, 'report', 'doctor');

  const parts = await runSetupChecks(io, logger, report);
  try {
    let sample: DateSample | null = null;
    const { config, store, vault } = parts;
    if (config && store && vault) {
      const layer = composeConnections({ config, store, vault, logger, fetch: io.fetch, now: io.now });
      try {
        sample = await runConnectionChecks({ config, layer, logger, now, fetch: io.fetch }, report);
      } catch (error) {
        report(
          fail('connections', describeError(error).message, 'see the message; run with LOG_LEVEL=debug for details'),
        );
      }
    } else {
      report(
        warn(
          'connections',
          'not checked: fix the failures above first',
          'fix the failures above, then run parley doctor again',
        ),
      );
    }
    if (config) {
      const source = config.highlevel.target === 'sandbox' ? `the sandbox at ${config.highlevel.baseUrl}` : 'HighLevel';
      sample ??= await sampleDate(config.highlevel.baseUrl, fetchImpl, now);
      report(clockSkewCheck(sample, source));
    }
  } finally {
    await parts.store?.close();
  }
  return { ok: checks.every((check) => check.level !== 'fail'), checks };
}

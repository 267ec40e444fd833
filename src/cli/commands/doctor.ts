/**
 * `parley doctor`: checks config, environment, master key, store, every connection (status, live
 * probe, scopes against the plan) and clock skew; one line per check, and the fix for every
 * problem. Exits 1 when any check fails, so it can gate a deploy.
 */
import type { Command } from 'commander';
import { type CommandIo, processIo } from '../../app/command-io.js';
import { CliError } from '../cli-error.js';
import type { CheckResult } from '../doctor/check-result.js';
import { runDoctor } from '../doctor/run-doctor.js';

export interface DoctorOptions {
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('doctor')
    .description(
      'check config, keys, store, connections (status, probe, scopes) and clock skew, with a fix for each problem',
    )
    .option('--json', 'print JSON')
    .action(async (options: DoctorOptions) => {
      await runDoctorCommand(options, processIo());
    });
}

export async function runDoctorCommand(options: DoctorOptions, io: CommandIo): Promise<void> {
  const report = await runDoctor(io);
  io.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report.checks));
  const failures = report.checks.filter((check) => check.level === 'fail').length;
  if (failures > 0) {
    throw new CliError('doctor_failed', `doctor: ${failures} check${failures === 1 ? '' : 's'} failed`);
  }
}

function formatReport(checks: CheckResult[]): string {
  const width = Math.max(...checks.map((check) => check.name.length));
  const lines: string[] = [];
  for (const check of checks) {
    const indent = ' '.repeat(8 + width);
    // Config errors span lines (one per problem); keep them under the check they belong to.
    const [first, ...rest] = check.detail.split('\n');
    lines.push(`${check.level.padEnd(4)}  ${check.name.padEnd(width)}  ${first ?? ''}`);
    for (const line of rest) lines.push(`${indent}${line}`);
    if (check.fix) lines.push(`${indent}fix: ${check.fix}`);
  }
  const counts = (['ok', 'warn', 'fail'] as const).map(
    (level) => `${checks.filter((c) => c.level === level).length} ${level}`,
  );
  lines.push('', counts.join(', '));
  return `${lines.join('\n')}\n`;
}

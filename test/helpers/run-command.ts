/**
 * Runs a registered CLI command on a fresh commander program in this process, collecting what it
 * prints, as `parley <args>` would; `commandFailure` expects it to fail with a CliError, and
 * `cliRejection` expects the same of any command function's promise.
 */
import { Command } from 'commander';
import { CliError } from '../../src/cli/cli-error.js';

export async function runCommand(register: (program: Command) => void, args: readonly string[]): Promise<string> {
  let out = '';
  const program = new Command().exitOverride().configureOutput({
    writeOut: (text) => {
      out += text;
    },
    writeErr: () => {},
  });
  register(program);
  await program.parseAsync([...args], { from: 'user' });
  return out;
}

export function commandFailure(register: (program: Command) => void, args: readonly string[]): Promise<CliError> {
  return cliRejection(runCommand(register, args), `parley ${args.join(' ')}`);
}

/** The CliError `promise` rejects with; any other outcome fails the test. */
export async function cliRejection(promise: Promise<unknown>, what = 'the command'): Promise<CliError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error(`expected ${what} to fail with a CliError`);
}

/**
 * Runs a registered CLI command on a fresh commander program in this process, collecting what it
 * prints, as `parley <args>` would; `commandFailure` expects it to fail with a CliError.
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

export async function commandFailure(register: (program: Command) => void, args: readonly string[]): Promise<CliError> {
  try {
    await runCommand(register, args);
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error(`expected parley ${args.join(' ')} to fail with a CliError`);
}

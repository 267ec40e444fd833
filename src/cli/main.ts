/**
 * Entry point of the `parley` command. Each command lives in src/cli/commands/<name>.ts and exports
 * `register(program)`. Errors that reach here are printed as one line (never with secrets) and exit non-zero.
 */
import { Command, CommanderError } from 'commander';
import { CliError } from './cli-error.js';
import { COMMANDS } from './commands/index.js';

export function buildProgram(): Command {
  const program = new Command('parley')
    .description('Self-hosted bridge from Accelevents to HighLevel Conversations')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander already printed usage/help; keep its exit code (0 for --help/--version).
      process.exitCode = error.exitCode;
      return;
    }
    if (error instanceof CliError) {
      process.stderr.write(`parley: ${error.message}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    process.stderr.write(`parley: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

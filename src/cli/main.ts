/**
 * Entry point of the `parley` command. Each command lives in src/cli/commands/<name>.ts and exports
 * `register(program)`; src/cli/commands/index.ts lists them with their help line and loads a module only
 * when its command runs. Errors that reach here are printed as one line (never with secrets) and exit non-zero.
 */
import { Command, CommanderError, Help } from 'commander';
import { CliError } from './cli-error.js';
import { COMMANDS, type CommandModule } from './commands/index.js';

function newProgram(): Command {
  return new Command('parley')
    .description('Self-hosted bridge from Accelevents to HighLevel Conversations')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
}

/** The program with every command fully registered (every command module loaded). */
export async function buildProgram(): Promise<Command> {
  const program = newProgram();
  const loaded = new Set<CommandModule>();
  for (const entry of COMMANDS) {
    const module = await entry.load();
    if (loaded.has(module)) continue;
    loaded.add(module);
    module.register(program);
  }
  return program;
}

/** The command argv names (`parley <name> …` or `parley help <name>`), if any. */
function commandName(argv: readonly string[]): string | undefined {
  const words = argv.slice(2).filter((word) => !word.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/**
 * The program for one run: the named command registered in full (its options, subcommands and help), every
 * other command as a stub that only lists itself in `parley --help`.
 */
export async function programFor(argv: readonly string[]): Promise<Command> {
  const program = newProgram();
  const name = commandName(argv);
  const chosen = COMMANDS.find((entry) => entry.name === name);
  const stubTerms = new WeakMap<Command, string>();
  program.configureHelp({
    subcommandTerm(command: Command): string {
      return stubTerms.get(command) ?? Help.prototype.subcommandTerm.call(this, command);
    },
  });
  const module = chosen ? await chosen.load() : undefined;
  for (const entry of COMMANDS) {
    // start.js registers start, serve and worker, which sit together in the manifest: register the module
    // once, at its first entry, so the help keeps the manifest's order.
    if (module && entry.load === chosen?.load) {
      if (entry === COMMANDS.find((other) => other.load === chosen.load)) module.register(program);
      continue;
    }
    stubTerms.set(program.command(entry.name).description(entry.summary), entry.term);
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    const program = await programFor(argv);
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

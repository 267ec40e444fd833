/**
 * The command manifest (src/cli/commands/index.ts) lists each command's help line without loading it:
 * its lines must be the ones the command registers, and a run registers only the command it runs.
 */
import { type Command, Help } from 'commander';
import { expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { buildProgram, programFor } from '../../src/cli/main.js';

const argv = (...args: string[]) => ['node', 'parley', ...args];
const lines = (program: Command) => {
  const help = program.createHelp();
  return program.commands.map((command) => [help.subcommandTerm(command), command.description()]);
};

it('lists every command with the term and summary its module registers, in the same order', async () => {
  const full = await buildProgram();
  const help = new Help();
  expect(COMMANDS.map((entry) => [entry.term, entry.summary])).toEqual(
    full.commands.map((command) => [help.subcommandTerm(command), command.description()]),
  );
});

it('gives parley --help the same command list as the fully loaded program', async () => {
  const full = await buildProgram();
  expect(lines(await programFor(argv('--help')))).toEqual(lines(full));
});

it('registers only the command being run in full, with its options', async () => {
  const program = await programFor(argv('ghl', '--help'));
  const ghl = program.commands.find((command) => command.name() === 'ghl')!;
  expect(ghl.options.map((option) => option.long)).toContain('--base-url');
  const stubs = program.commands.filter((command) => command.name() !== 'ghl');
  expect(stubs.every((command) => command.options.length === 0 && command.commands.length === 0)).toBe(true);
});

it('registers start, serve and worker together when any of them runs, keeping the help order', async () => {
  const program = await programFor(argv('help', 'worker'));
  const registered = program.commands.filter((command) => command.options.length > 0).map((c) => c.name());
  expect(registered).toEqual(['start', 'serve', 'worker']);
  expect(program.commands.map((command) => command.name())).toEqual(COMMANDS.map((entry) => entry.name));
});

import type { Command } from 'commander';

/** Every command registers itself on the program. Order here is the order in `parley --help`. */
export const COMMANDS: ((program: Command) => void)[] = [];

import type { Command } from 'commander';
import { register as ghl } from './ghl.js';
import { register as sandbox } from './sandbox.js';
import { register as start } from './start.js';

/** Every command registers itself on the program. Order here is the order in `parley --help`. */
export const COMMANDS: ((program: Command) => void)[] = [start, sandbox, ghl];

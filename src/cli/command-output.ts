/**
 * Where a command writes, and JSON safe to print. Commands write through commander's output
 * configuration, so tests (and `buildProgram` callers) capture what a user would see.
 */
import type { Command } from 'commander';
import type { CommandIo } from '../app/command-io.js';

export function commandIo(command: Command): CommandIo {
  const output = command.configureOutput();
  const write = output.writeOut ?? ((text: string) => process.stdout.write(text));
  return { env: process.env, write };
}

/** JSON.stringify leaves C1 controls and line separators raw inside strings; escaped, the JSON is the same. */
export function terminalJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `${text}\n`;
}

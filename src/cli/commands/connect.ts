/** `parley connect highlevel|accelevents`: each provider's flow lives in its own file. */
import type { Command } from 'commander';
import { registerConnectAccelevents } from './connect-accelevents.js';
import { registerConnectHighLevel } from './connect-highlevel.js';

export function register(program: Command): void {
  const connect = program
    .command('connect')
    .description('connect an account: HighLevel (OAuth or Private Integration Token) or Accelevents (API key)');
  registerConnectHighLevel(connect);
  registerConnectAccelevents(connect);
}

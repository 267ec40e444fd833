/**
 * `parley catalog`: every workflow trigger and action with the HighLevel scopes it needs and
 * whether it is unsafe. Unsafe actions create something HighLevel cannot deduplicate; "guarded"
 * ones are checked for an earlier attempt's effect before they run again, so a retry does not
 * repeat it.
 */
import type { Command } from 'commander';
import { type CommandIo, processIo } from '../../app/command-io.js';
import { buildCatalog, type Catalog } from '../../features/catalog.js';

export interface CatalogOptions {
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('catalog')
    .description('every workflow trigger and action, with the HighLevel scopes each needs and whether it is unsafe')
    .option('--json', 'print JSON')
    .action(async (options: CatalogOptions) => {
      runCatalog(options, processIo());
    });
}

export function runCatalog(options: CatalogOptions, io: Pick<CommandIo, 'write'>): void {
  const catalog = buildCatalog();
  io.write(options.json ? `${JSON.stringify(catalog, null, 2)}\n` : formatCatalog(catalog));
}

function scopesText(scopes: readonly string[]): string {
  return scopes.length > 0 ? scopes.join(' ') : '(no HighLevel scope)';
}

export function formatCatalog(catalog: Catalog): string {
  const lines = [`Triggers (${catalog.triggers.length}):`];
  const triggerWidth = Math.max(...catalog.triggers.map((t) => t.name.length));
  for (const trigger of catalog.triggers) {
    lines.push(`  ${trigger.name.padEnd(triggerWidth)}  ${trigger.source}; scopes: ${scopesText(trigger.scopes)}`);
    lines.push(`  ${''.padEnd(triggerWidth)}  ${trigger.description}; fields: ${trigger.fields.join(', ')}`);
  }
  lines.push('', `Actions (${catalog.actions.length}):`);
  const actionWidth = Math.max(...catalog.actions.map((a) => a.name.length));
  for (const action of catalog.actions) {
    const safety = action.unsafe ? (action.guarded ? 'unsafe, guarded' : 'unsafe') : 'safe';
    lines.push(`  ${action.name.padEnd(actionWidth)}  ${safety.padEnd(15)}  ${scopesText(action.scopes)}`);
  }
  lines.push(
    '',
    'unsafe: HighLevel cannot deduplicate the effect (a send); guarded: before a retry parley looks for the message an interrupted attempt sent.',
    '',
  );
  return lines.join('\n');
}

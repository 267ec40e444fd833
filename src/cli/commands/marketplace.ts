/**
 * `parley marketplace …`: the HighLevel Marketplace app's workflow triggers and actions (docs/marketplace.md).
 *   secret rotate · export --out DIR (marketplace-export.ts)
 * `secret rotate` makes a new value for the `x-parley-marketplace-secret` header HighLevel sends on
 * every call to parley, prints it once (set it as the app's static header in HighLevel's developer
 * portal), and the old one stops working within seconds. It is stored sealed in the vault and hashed.
 * Each subcommand registers itself on the `marketplace` command here.
 */
import type { Command } from 'commander';
import type { CommandIo } from '../../app/command-io.js';
import { openRuntimeFor } from '../../app/open-runtime.js';
import { MARKETPLACE_SECRET_HEADER, rotateMarketplaceSecret } from '../../marketplace/marketplace-secret.js';
import { commandIo } from '../command-output.js';
import { withCliErrors } from '../to-cli-error.js';
import { registerMarketplaceExport } from './marketplace-export.js';

export function register(program: Command): void {
  const marketplace = program
    .command('marketplace')
    .description("the HighLevel Marketplace app: parley's workflow triggers and actions");
  const secret = marketplace.command('secret').description('the secret header HighLevel sends on every call to parley');
  secret
    .command('rotate')
    .description(`make a new ${MARKETPLACE_SECRET_HEADER} value and print it once (the old one stops working)`)
    .action(async function (this: Command) {
      await runMarketplaceSecretRotate(commandIo(this));
    });
  registerMarketplaceExport(marketplace);
}

export async function runMarketplaceSecretRotate(io: CommandIo): Promise<void> {
  await withCliErrors(async () => {
    const runtime = await openRuntimeFor(io);
    try {
      const value = await rotateMarketplaceSecret(runtime.store.db, runtime.vault, io.now ? { now: io.now } : {});
      io.write(`${value}\n`);
      io.write(
        `# Set it as the static header ${MARKETPLACE_SECRET_HEADER} of the app's workflow triggers and actions in HighLevel's developer portal. Shown once; the previous secret stops working within 5 s.\n`,
      );
    } finally {
      await runtime.close();
    }
  });
}

/**
 * `parley connections`: every connected account with its status (ok / expiring / needs_reconnect /
 * disabled), scopes, expiry, last refresh and today's refresh failures. Reads records only: no
 * secret is decrypted, so none can be printed.
 */

import type { Command } from 'commander';
import { type CommandIo, processIo } from '../../app/command-io.js';
import { openRuntimeFor } from '../../app/open-runtime.js';
import { type ConnectionView, relativeTime, toConnectionView } from '../../credentials/connection-view.js';
import { textTable } from '../text-table.js';
import { withCliErrors } from '../to-cli-error.js';

export interface ConnectionsOptions {
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('connections')
    .description('list connected accounts: status, scopes, token expiry, last refresh, failures today')
    .option('--json', 'print JSON')
    .action(async (options: ConnectionsOptions) => {
      await runConnections(options, processIo());
    });
}

export async function runConnections(options: ConnectionsOptions, io: CommandIo): Promise<void> {
  const runtime = await withCliErrors(() => openRuntimeFor(io));
  try {
    const now = (io.now ?? Date.now)();
    const marginMs = runtime.config.refresh.marginSeconds * 1000;
    const views = (await runtime.repository.list()).map((c) => toConnectionView(c, now, marginMs));
    io.write(options.json ? `${JSON.stringify(views, null, 2)}\n` : formatTable(views, now));
  } finally {
    await runtime.close();
  }
}

const HEADERS = [
  'PROVIDER',
  'KIND',
  'ACCOUNT',
  'LABEL',
  'STATUS',
  'SCOPES',
  'EXPIRES',
  'LAST REFRESH',
  'FAILURES TODAY',
  'REASON',
];

function formatTable(views: ConnectionView[], now: number): string {
  if (views.length === 0)
    return 'No connections. Connect with `parley connect highlevel` or `parley connect accelevents`.\n';
  const rows = views.map((v) => [
    v.provider,
    v.kind,
    v.account,
    v.label,
    v.status,
    v.scopes.length > 0 ? v.scopes.join(' ') : '-',
    v.expiresAt === null ? 'never' : `${v.expiresAt} (${relativeTime(Date.parse(v.expiresAt), now)})`,
    v.lastRefreshAt === null ? '-' : `${v.lastRefreshAt} (${relativeTime(Date.parse(v.lastRefreshAt), now)})`,
    String(v.refreshFailuresToday),
    v.statusReason ?? '-',
  ]);
  return textTable(HEADERS, rows);
}

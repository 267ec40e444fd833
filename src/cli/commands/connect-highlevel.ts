/**
 * `parley connect highlevel`: connect a HighLevel sub-account (or agency) and store its tokens in the
 * vault. OAuth by default (consent URL, callback, code exchange;
 * https://github.com/GoHighLevel/highlevel-api-docs/blob/HEAD/docs/oauth/Authorization.md); `--pit` for a
 * Private Integration Token (https://marketplace.gohighlevel.com/docs/Authorization/PrivateIntegrationsToken).
 * Prints connection ids, accounts, scopes, expiry and status, never a token.
 *
 * A PIT is read from --token-file, HIGHLEVEL_PIT or piped stdin, never from a command-line argument,
 * so it does not land in shell history or in `ps` output.
 */
import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { type CommandIo, readPipedStdin } from '../../app/command-io.js';
import { openRuntimeFor } from '../../app/open-runtime.js';
import { HighLevelConnectError } from '../../connect/highlevel/connect-error.js';
import type { HighLevelUserType } from '../../connect/highlevel/consent-url.js';
import { runOAuthConnect } from '../../connect/highlevel/oauth-connect-flow.js';
import { connectPrivateIntegrationToken } from '../../connect/highlevel/private-integration-token.js';
import { toConnectionView } from '../../credentials/connection-view.js';
import type { Connection } from '../../credentials/types.js';
import { configPlanner } from '../../features/running-features.js';
import { CliError } from '../cli-error.js';
import { withCliErrors } from '../to-cli-error.js';

export const PIT_VARIABLE = 'HIGHLEVEL_PIT';
const USAGE = 2;
const DEFAULT_TIMEOUT = '5m';

export interface ConnectHighLevelOptions {
  pit?: boolean;
  tokenFile?: string;
  location?: string;
  scopes?: string;
  userType: string;
  redirectUri?: string;
  timeout: string;
  approve?: string | boolean;
  json?: boolean;
}

export interface ConnectHighLevelIo extends CommandIo {
  /** Progress and the consent URL (stderr), so stdout stays the answer. */
  info(text: string): void;
  /** Piped stdin's text, or null when stdin is a terminal. */
  readStdin(): Promise<string | null>;
}

export function registerConnectHighLevel(connect: Command): void {
  connect
    .command('highlevel')
    .description('connect HighLevel: OAuth install (default) or a Private Integration Token (--pit)')
    .option('--pit', 'connect a Private Integration Token instead of OAuth')
    .option('--token-file <path>', `--pit: read the token from this file (or set ${PIT_VARIABLE}, or pipe it on stdin)`)
    .option('--location <id>', '--pit: the location (sub-account) id the token belongs to')
    .option('--scopes <list>', "--pit: the token's scopes, space- or comma-separated (default: the planner's set)")
    .addOption(
      new Option('--user-type <type>', 'OAuth: Location (sub-account) or Company (agency) install')
        .choices(['Location', 'Company'])
        .default('Location'),
    )
    .option(
      '--redirect-uri <url>',
      "OAuth: callback URL (default: a one-shot local listener; a running parley server's callback when its port is taken)",
    )
    .option('--timeout <duration>', 'OAuth: how long to wait for the callback, e.g. 90s or 5m', DEFAULT_TIMEOUT)
    .option('--approve [locationId]', 'sandbox only: approve the consent unattended (default: the sandbox location)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `\nThe Private Integration Token is never taken as a command-line argument, so it stays out of shell history:\n  parley connect highlevel --pit --location <id> --token-file ./pit.txt\n  ${PIT_VARIABLE}=... parley connect highlevel --pit --location <id>\n  cat pit.txt | parley connect highlevel --pit --location <id>\n`,
    )
    .action(async (options: ConnectHighLevelOptions) => {
      await runConnectHighLevel(options, processConnectIo());
    });
}

function processConnectIo(): ConnectHighLevelIo {
  return {
    env: process.env,
    write: (text) => {
      process.stdout.write(text);
    },
    info: (text) => {
      process.stderr.write(text);
    },
    readStdin: readPipedStdin,
  };
}

export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  const value = match ? Number(match[1]) * ({ ms: 1, s: 1000, m: 60_000 }[match[2] ?? 's'] ?? 1000) : Number.NaN;
  if (!(value >= 1000 && value <= 3_600_000)) {
    throw new CliError('invalid_option', `--timeout must be a duration from 1s to 60m, e.g. 90s or 5m; got "${text}"`, {
      exitCode: USAGE,
    });
  }
  return value;
}

async function readPit(options: ConnectHighLevelOptions, io: ConnectHighLevelIo): Promise<string> {
  let token: string | null | undefined;
  if (options.tokenFile) {
    token = await readFile(options.tokenFile, 'utf8').catch(() => {
      throw new CliError('invalid_option', `--token-file: cannot read ${options.tokenFile}`, { exitCode: USAGE });
    });
  } else if (io.env[PIT_VARIABLE]) {
    token = io.env[PIT_VARIABLE];
  } else {
    token = await io.readStdin();
  }
  if (!token || token.trim() === '') {
    throw new CliError(
      'missing_token',
      `no Private Integration Token: pass --token-file <path>, set ${PIT_VARIABLE}, or pipe it on stdin (it is never read from the command line)`,
      { exitCode: USAGE },
    );
  }
  return token.trim();
}

function describeConnection(c: Connection): string {
  const expiry = c.expiresAt === null ? 'never expires' : `expires ${new Date(c.expiresAt).toISOString()}`;
  const account = [c.locationId ? `location ${c.locationId}` : '', c.companyId ? `company ${c.companyId}` : '']
    .filter(Boolean)
    .join(', ');
  return `  ${c.id}  ${c.kind}  ${account}  status ${c.status}  ${expiry}\n    scopes: ${c.scopes.join(' ')}\n`;
}

function toCliErrorOf(error: unknown): unknown {
  if (error instanceof HighLevelConnectError) return new CliError(error.code, error.message);
  return error;
}

export async function runConnectHighLevel(options: ConnectHighLevelOptions, io: ConnectHighLevelIo): Promise<void> {
  if (options.pit && !options.location) {
    throw new CliError('invalid_option', '--pit needs --location <id>: the sub-account the token belongs to', {
      exitCode: USAGE,
    });
  }
  if (options.pit && options.approve !== undefined) {
    throw new CliError('invalid_option', '--approve applies to the OAuth flow, not to --pit', { exitCode: USAGE });
  }
  const timeoutMs = parseDuration(options.timeout);
  const runtime = await withCliErrors(() => openRuntimeFor(io));
  try {
    const { config } = runtime;
    const view = (c: Connection) => toConnectionView(c, (io.now ?? Date.now)(), config.refresh.marginSeconds * 1000);
    const planner = await withCliErrors(() => configPlanner(config));
    const plan = (userType: HighLevelUserType) => planner.plan({ userType });

    if (options.pit) {
      const declared = options.scopes?.split(/[\s,]+/).filter(Boolean);
      const { connection, extraScopes } = await connectPrivateIntegrationToken({
        token: await readPit(options, io),
        locationId: options.location!,
        repository: runtime.repository,
        baseUrl: config.highlevel.baseUrl,
        plan: plan('Location'),
        ...(declared ? { declaredScopes: declared } : {}),
        fetch: io.fetch,
        logger: runtime.logger,
      }).catch((error: unknown) => {
        throw toCliErrorOf(error);
      });
      if (options.json) {
        io.write(
          `${JSON.stringify({ connections: [view(connection)], scopesVerified: false, extraScopes }, null, 2)}\n`,
        );
        return;
      }
      io.write(`Connected a HighLevel Private Integration Token:\n${describeConnection(connection)}`);
      io.write(
        "Note: HighLevel does not report a Private Integration Token's scopes; these are as declared, checked only by a conversations.readonly probe.\n",
      );
      if (extraScopes.length > 0)
        io.write(`Warning: declared scopes beyond what parley needs: ${extraScopes.join(' ')}\n`);
      return;
    }

    const userType = options.userType as HighLevelUserType;
    let approveLocation: string | undefined;
    if (options.approve !== undefined) {
      if (config.highlevel.target !== 'sandbox') {
        throw new CliError('invalid_option', '--approve works only against the sandbox (highlevel.target: sandbox)', {
          exitCode: USAGE,
        });
      }
      approveLocation =
        typeof options.approve === 'string' ? options.approve : await sandboxLocation(config.highlevel.baseUrl, io);
    }
    const result = await runOAuthConnect({
      config: config.highlevel,
      db: runtime.store.db,
      repository: runtime.repository,
      tokenClient: runtime.tokenClient,
      plan,
      userType,
      ...(options.redirectUri ? { redirectUri: options.redirectUri } : {}),
      timeoutMs,
      ...(approveLocation ? { approveLocation } : {}),
      logger: runtime.logger,
      fetch: io.fetch,
      now: io.now,
      onConsentUrl: (url) =>
        io.info(
          approveLocation
            ? `Approving in the sandbox: ${url}\n`
            : `Open this URL to install the app:\n  ${url}\nWaiting for HighLevel to send you back…\n`,
        ),
    }).catch((error: unknown) => {
      throw toCliErrorOf(error);
    });
    const extra = result.via === 'listener' ? result.extraScopes : [];
    const failures = result.via === 'listener' ? result.failures : [];
    if (options.json) {
      io.write(
        `${JSON.stringify({ connections: result.connections.map(view), extraScopes: extra, failures }, null, 2)}\n`,
      );
      return;
    }
    io.write(`Connected HighLevel (${userType} install), ${result.connections.length} connection(s):\n`);
    for (const c of result.connections) io.write(describeConnection(c));
    if (extra.length > 0) io.write(`Warning: HighLevel granted scopes parley does not need: ${extra.join(' ')}\n`);
    for (const f of failures) io.write(`Warning: no token for location ${f.locationId}: ${f.message}\n`);
  } finally {
    await runtime.close();
  }
}

/** The sandbox's default location, for `--approve` without an id. */
async function sandboxLocation(baseUrl: string, io: CommandIo): Promise<string> {
  const res = await (io.fetch ?? fetch)(new URL('/sandbox/info', baseUrl)).catch(() => null);
  const info = res?.ok ? ((await res.json()) as { defaultLocationId?: unknown }) : null;
  if (typeof info?.defaultLocationId !== 'string') {
    throw new CliError(
      'sandbox_unavailable',
      `could not read the sandbox's default location at ${baseUrl}/sandbox/info; pass --approve <locationId>`,
    );
  }
  return info.defaultLocationId;
}

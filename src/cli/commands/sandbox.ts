/**
 * `parley sandbox`: runs the HighLevel sandbox (src/sandbox/highlevel/) standalone, seeded with
 * sample attendees, and prints what a developer needs to point a client at it: base URL, ids, a
 * ready token, the OAuth client, the webhook key URL and an example curl. Runs until
 * SIGINT/SIGTERM, then closes cleanly.
 */
import type { Command } from 'commander';
import { processLogger } from '../../app/process-logger.js';
import {
  CONTACT_OPERATIONS,
  DEFAULT_LOCATION_SCOPES,
  type HighLevelSandboxOptions,
  startHighLevelSandbox,
} from '../../app/sandboxes.js';
import { CONVERSATION_OPERATIONS, OAUTH_OPERATIONS } from '../../highlevel/generated/operations.js';
import { CliError } from '../cli-error.js';

/** Raw option values as commander hands them over (strings). */
export interface SandboxCliOptions {
  port?: string;
  host?: string;
  scopes?: string;
  burstLimit?: string;
  burstIntervalMs?: string;
  dailyLimit?: string;
  tokenTtl?: string;
  webhookUrl?: string;
  errorRate?: string;
  latencyMs?: string;
  timeoutRate?: string;
  resetRate?: string;
  messagesShape?: string;
  attendees?: string;
}

export interface SandboxRunSettings {
  port: number;
  host: string;
  scopes: string[];
  attendees: number;
  options: HighLevelSandboxOptions;
}

export interface SandboxIo {
  write(text: string): void;
  /** Resolves when the sandbox should stop; default: on SIGINT or SIGTERM. */
  waitForShutdown(): Promise<void>;
}

const USAGE = 2;

const KNOWN_SCOPES = new Set<string>([
  ...CONVERSATION_OPERATIONS.flatMap((op) => op.scopes),
  ...CONTACT_OPERATIONS.flatMap((op) => op.scopes),
  ...OAUTH_OPERATIONS.flatMap((op) => op.scopes),
  ...DEFAULT_LOCATION_SCOPES,
]);

function usage(message: string): never {
  throw new CliError('invalid_option', message, { exitCode: USAGE });
}

function integer(
  flag: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    usage(
      `${flag} must be a whole number from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'up' : max}, got "${raw}"`,
    );
  }
  return value;
}

function rate(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    usage(`${flag} must be a number from 0 to 1, got "${raw}"`);
  }
  return value;
}

function scopes(raw: string | undefined): string[] {
  if (raw === undefined) return [...DEFAULT_LOCATION_SCOPES];
  const list = raw.split(/[\s,]+/).filter(Boolean);
  if (list.length === 0) usage('--scopes must list at least one scope');
  const unknown = list.filter((s) => !KNOWN_SCOPES.has(s));
  if (unknown.length > 0)
    usage(`--scopes has unknown scope ${unknown.join(', ')}; known: ${[...KNOWN_SCOPES].join(', ')}`);
  return list;
}

function webhookUrl(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString();
  } catch {}
  return usage(`--webhook-url must be an absolute http(s) URL, got "${raw}"`);
}

/** Validates every option, naming the flag in the error. */
export function parseSandboxOptions(raw: SandboxCliOptions): SandboxRunSettings {
  const shape = raw.messagesShape ?? 'wrapped';
  if (shape !== 'wrapped' && shape !== 'flat') usage(`--messages-shape must be "wrapped" or "flat", got "${shape}"`);
  const host = raw.host ?? '127.0.0.1';
  if (host.trim() === '') usage('--host must not be empty');
  const faults = {
    errorRate: rate('--error-rate', raw.errorRate) ?? 0,
    timeoutRate: rate('--timeout-rate', raw.timeoutRate) ?? 0,
    resetRate: rate('--reset-rate', raw.resetRate) ?? 0,
    latencyMs: integer('--latency-ms', raw.latencyMs, 0, 0, 600_000),
  };
  const hook = webhookUrl(raw.webhookUrl);
  return {
    port: integer('--port', raw.port, 4010, 0, 65_535),
    host,
    scopes: scopes(raw.scopes),
    attendees: integer('--attendees', raw.attendees, 10, 0, 10_000),
    options: {
      burstLimit: integer('--burst-limit', raw.burstLimit, 100, 1),
      burstIntervalMs: integer('--burst-interval-ms', raw.burstIntervalMs, 10_000, 1),
      dailyLimit: integer('--daily-limit', raw.dailyLimit, 200_000, 1),
      accessTokenTtlSeconds: integer('--token-ttl', raw.tokenTtl, 86_399, 1),
      faults,
      messagesShape: shape,
      ...(hook ? { webhookUrl: hook } : {}),
    },
  };
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Starts the sandbox, prints how to use it, waits for shutdown and closes. `overrides` serve tests. */
export async function runSandbox(
  settings: SandboxRunSettings,
  io: SandboxIo = { write: (t) => process.stdout.write(t), waitForShutdown: untilSignal },
  overrides: HighLevelSandboxOptions = {},
): Promise<void> {
  const sandbox = await startHighLevelSandbox({
    logger: processLogger(process.env, 'service', 'parley-sandbox'),
    ...settings.options,
    ...overrides,
    port: settings.port,
    host: settings.host,
    attendees: settings.attendees,
  });
  const token = sandbox.issueToken({ scopes: settings.scopes });
  const url = sandbox.url;
  const example = `${url}/conversations/search?locationId=${sandbox.defaultLocationId}`;
  io.write(
    [
      `HighLevel sandbox listening on ${url}`,
      `  location id     ${sandbox.defaultLocationId}`,
      `  company id      ${sandbox.companyId}`,
      `  access token    ${token.accessToken}`,
      `                  scopes: ${token.scopes.join(' ')}; expires in ${token.expiresIn} s`,
      `  OAuth client    id ${sandbox.clientId}, secret ${sandbox.clientSecret}`,
      `  authorize URL   ${url}/v2/oauth/chooselocation`,
      `  token URL       ${url}/oauth/token`,
      `  webhook keys    ${url}/sandbox/webhook-keys`,
      `  control         ${url}/sandbox/info`,
      '',
      'Try:',
      `  curl -H 'Authorization: Bearer ${token.accessToken}' -H 'Version: 2021-04-15' '${example}'`,
      '',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  try {
    await io.waitForShutdown();
  } finally {
    await sandbox.close();
  }
}

export function register(program: Command): void {
  program
    .command('sandbox')
    .description('run the built-in HighLevel sandbox (Conversations API + OAuth) with sample attendees')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '4010')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option(
      '--scopes <list>',
      `scopes of the printed token, comma or space separated (default: ${DEFAULT_LOCATION_SCOPES.join(' ')})`,
    )
    .option('--burst-limit <n>', 'requests allowed per burst interval per location', '100')
    .option('--burst-interval-ms <ms>', 'length of the burst window in milliseconds', '10000')
    .option('--daily-limit <n>', 'requests allowed per UTC day per location', '200000')
    .option('--token-ttl <seconds>', 'lifetime of OAuth access tokens in seconds', '86399')
    .option('--webhook-url <url>', 'where to deliver signed webhooks (default: none; events are recorded as skipped)')
    .option('--error-rate <0..1>', 'share of API requests answered 500/502/503', '0')
    .option('--latency-ms <ms>', 'delay added to every API request', '0')
    .option('--timeout-rate <0..1>', 'share of API requests never answered', '0')
    .option('--reset-rate <0..1>', 'share of API requests whose connection is reset', '0')
    .option(
      '--messages-shape <shape>',
      'get-messages answer shape: wrapped (like the live API) or flat (like the spec)',
      'wrapped',
    )
    .option('--attendees <n>', 'sample attendees to seed in the sample location', '10')
    .action(async (options: SandboxCliOptions) => {
      await runSandbox(parseSandboxOptions(options));
    });
}

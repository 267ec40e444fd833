/**
 * `parley connect accelevents`: probe an Accelevents API key with a cheap read (the event details) and
 * store it in the vault. The key is read from --key-file, ACCELEVENTS_API_KEY or piped
 * stdin, never from a command-line argument (shell history, `ps`), and never printed.
 * `--base-url sandbox` uses the built-in Accelevents sandbox on its well-known port, starting it for the
 * probe when it is not running.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { AcceleventsError } from '../../accelevents/accelevents-error.js';
import {
  type AcceleventsAuthPreset,
  AUTH_PRESET_HEADERS,
  AUTH_PRESETS,
  apiKeyProblem,
  isAuthPreset,
} from '../../accelevents/auth-presets.js';
import { type CommandIo, readPipedStdin } from '../../app/command-io.js';
import { openRuntimeFor } from '../../app/open-runtime.js';
import { SAMPLE_EVENT_URL, sandboxPort, type UsedSandbox, useAcceleventsSandbox } from '../../app/sandboxes.js';
import { connectAcceleventsAccount, probeFailureMessage } from '../../connect/accelevents/connect-account.js';
import { ACCELEVENTS_WEBHOOK_PATH } from '../../intake/accelevents-webhook-route.js';
import { createAcceleventsWebhookSecret } from '../../intake/webhook-secret.js';
import { CliError } from '../cli-error.js';
import { withCliErrors } from '../to-cli-error.js';

export const API_KEY_VARIABLE = 'ACCELEVENTS_API_KEY';
const USAGE = 2;

export interface ConnectAcceleventsOptions {
  baseUrl?: string;
  event?: string;
  readAuth?: string;
  writeAuth?: string;
  keyFile?: string;
  json?: boolean;
  /** Make a new webhook secret (the old URL stops working) and print the new URL. */
  rotateWebhook?: boolean;
  /** Where Accelevents reaches parley, for the printed URL; default http://127.0.0.1:$PORT. */
  publicUrl?: string;
}

export interface ConnectAcceleventsIo extends CommandIo {
  /** Progress and notes (stderr), so stdout stays the answer. */
  info(text: string): void;
  /** Piped stdin's text, or null when stdin is a terminal. */
  readStdin(): Promise<string | null>;
}

export function registerConnectAccelevents(connect: Command): void {
  const presets = AUTH_PRESETS.map((p) => `${p} (${AUTH_PRESET_HEADERS[p]})`).join(', ');
  connect
    .command('accelevents')
    .description('connect Accelevents with an API key: probe it, then store it encrypted')
    .option(
      '--base-url <url>',
      'REST base URL, or "sandbox" for the built-in sandbox (default: accelevents.baseUrl, https://api.accelevents.com/rest)',
    )
    .option('--event <eventUrl>', 'event slug the probe reads, e.g. demo for accelevents.com/events/demo')
    .option('--read-auth <preset>', `header for reads (default: accelevents.readAuth): ${presets}`)
    .option('--write-auth <preset>', 'header for writes (default: accelevents.writeAuth); same presets')
    .option('--key-file <path>', `read the API key from this file (or set ${API_KEY_VARIABLE}, or pipe it on stdin)`)
    .option('--json', 'print JSON')
    .option(
      '--rotate-webhook',
      'make a new webhook secret and print its receiver URL (the old URL stops working); nothing else is changed',
    )
    .option('--public-url <url>', 'with --rotate-webhook: the base URL Accelevents reaches parley at')
    .addHelpText(
      'after',
      `\nThe API key is never taken as a command-line argument, so it stays out of shell history:\n  parley connect accelevents --event demo --key-file ./accelevents.key\n  ${API_KEY_VARIABLE}=... parley connect accelevents --event demo\n  parley connect accelevents --base-url sandbox\n`,
    )
    .action(async (options: ConnectAcceleventsOptions) => {
      await runConnectAccelevents(options, processConnectIo());
    });
}

function processConnectIo(): ConnectAcceleventsIo {
  return {
    env: process.env,
    write: (text) => void process.stdout.write(text),
    info: (text) => void process.stderr.write(text),
    readStdin: readPipedStdin,
  };
}

function usage(message: string): never {
  throw new CliError('invalid_option', message, { exitCode: USAGE });
}

function preset(flag: string, value: string | undefined, fallback: AcceleventsAuthPreset): AcceleventsAuthPreset {
  if (value === undefined) return fallback;
  if (!isAuthPreset(value)) usage(`${flag} must be one of ${AUTH_PRESETS.join(', ')}; got "${value}"`);
  return value;
}

function baseUrlOf(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString().replace(/\/+$/, '');
  } catch {}
  return usage(`--base-url must be an absolute http(s) URL or "sandbox", got "${raw}"`);
}

function sandboxPortOrUsage(env: NodeJS.ProcessEnv): number {
  try {
    return sandboxPort(env);
  } catch (error) {
    return usage((error as Error).message);
  }
}

/**
 * The only way the webhook secret changes: `parley start` keeps it across restarts and shows its URL
 * each time (src/intake/accelevents-webhook-url.ts). Rotating retires a URL that leaked, and gives a
 * secret kept only as a hash by an earlier parley a URL that can be shown again.
 */
async function rotateWebhook(options: ConnectAcceleventsOptions, io: ConnectAcceleventsIo): Promise<void> {
  const others = (['baseUrl', 'event', 'readAuth', 'writeAuth', 'keyFile'] as const).filter((k) => options[k]);
  if (others.length > 0) {
    usage(`--rotate-webhook changes only the webhook secret; drop ${others.map(flagOf).join(', ')}`);
  }
  const base = options.publicUrl === undefined ? null : publicUrlOf(options.publicUrl);
  const runtime = await openRuntimeFor(io);
  try {
    // Sealed with the vault beside its hash, so `parley start` shows the same URL after a restart.
    const secret = await createAcceleventsWebhookSecret(runtime.store.db, { vault: runtime.vault });
    const origin = base ?? `http://127.0.0.1:${runtime.env.port}`;
    const url = `${origin}${ACCELEVENTS_WEBHOOK_PATH.replace(':secret', secret)}`;
    if (options.json) {
      io.write(`${JSON.stringify({ webhookUrl: url }, null, 2)}\n`);
      return;
    }
    io.write(
      `New Accelevents webhook URL (the previous URL no longer works; \`parley start\` shows this one again):\n  ${url}\n`,
    );
  } finally {
    await runtime.close();
  }
}

function publicUrlOf(raw: string): string {
  try {
    const url = new URL(raw);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.search === '' && url.hash === '') {
      return url.toString().replace(/\/+$/, '');
    }
  } catch {}
  return usage(
    `--public-url must be an absolute http(s) URL without query or fragment, e.g. https://parley.example.com; got "${raw}"`,
  );
}

function flagOf(option: string): string {
  return `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** --key-file, then ACCELEVENTS_API_KEY, then piped stdin, then (sandbox only) the sandbox's key. */
async function readKey(options: ConnectAcceleventsOptions, io: ConnectAcceleventsIo, sandboxKey: string | null) {
  let key: string | null | undefined;
  if (options.keyFile) {
    key = await readFile(options.keyFile, 'utf8').catch(() => usage(`--key-file: cannot read ${options.keyFile}`));
  } else if (io.env[API_KEY_VARIABLE]) {
    key = io.env[API_KEY_VARIABLE];
  } else {
    key = await io.readStdin();
  }
  key = key?.trim() || sandboxKey;
  if (!key) {
    usage(
      `no API key: pass --key-file <path>, set ${API_KEY_VARIABLE}, or pipe it on stdin (it is never read from the command line)`,
    );
  }
  const problem = apiKeyProblem(key);
  if (problem) usage(`the API key is unusable: ${problem}`);
  return key;
}

export function runConnectAccelevents(options: ConnectAcceleventsOptions, io: ConnectAcceleventsIo): Promise<void> {
  // Runtime errors (config, store, vault) become one line with their fix; CliErrors pass unchanged.
  return withCliErrors(() => connect(options, io));
}

async function connect(options: ConnectAcceleventsOptions, io: ConnectAcceleventsIo): Promise<void> {
  if (options.rotateWebhook) return rotateWebhook(options, io);
  if (options.publicUrl !== undefined) usage('--public-url goes with --rotate-webhook');
  // Flags are checked before anything is opened, so a typo never touches the database.
  preset('--read-auth', options.readAuth, 'authorization');
  preset('--write-auth', options.writeAuth, 'key');
  const wantsSandbox = options.baseUrl === 'sandbox';
  if (options.baseUrl !== undefined && !wantsSandbox) baseUrlOf(options.baseUrl);
  if (!wantsSandbox && !options.event) {
    usage(
      '--event <eventUrl> is required: the probe reads that event (its slug, e.g. demo for accelevents.com/events/demo)',
    );
  }
  const port = wantsSandbox ? sandboxPortOrUsage(io.env) : null;

  const runtime = await openRuntimeFor(io);
  let sandbox: UsedSandbox | null = null;
  try {
    const defaults = runtime.config.accelevents;
    const readAuth = preset('--read-auth', options.readAuth, defaults.readAuth);
    const writeAuth = preset('--write-auth', options.writeAuth, defaults.writeAuth);
    if (port !== null) {
      sandbox = await useAcceleventsSandbox({ port, logger: runtime.logger, ...(io.fetch ? { fetch: io.fetch } : {}) });
      if (sandbox.started) {
        io.info(
          `Started the Accelevents sandbox on ${sandbox.url} for the probe; run \`parley accelevents-sandbox\` to serve it again.\n`,
        );
      }
    }
    const baseUrl = sandbox ? sandbox.url : baseUrlOf(options.baseUrl ?? defaults.baseUrl);
    const eventUrl = options.event ?? SAMPLE_EVENT_URL;
    const apiKey = await readKey(options, io, sandbox?.apiKey ?? null);

    const result = await connectAcceleventsAccount({
      baseUrl,
      apiKey,
      readAuth,
      writeAuth,
      eventUrl,
      repository: runtime.repository,
      logger: runtime.logger,
      ...(io.fetch ? { fetch: io.fetch } : {}),
    }).catch((error: unknown) => {
      if (error instanceof AcceleventsError) {
        throw new CliError(`accelevents_${error.code}`, probeFailureMessage(error, { baseUrl, eventUrl, readAuth }));
      }
      throw error;
    });

    const { connection, event, warnings } = result;
    if (options.json) {
      const view = {
        id: connection.id,
        provider: connection.provider,
        kind: connection.kind,
        accountKey: connection.accountKey,
        status: connection.status,
        settings: connection.settings,
        probe: {
          eventUrl: event.eventUrl,
          eventId: event.eventId,
          eventName: event.eventName,
          timeZone: event.timeZone,
        },
        warnings,
      };
      io.write(`${JSON.stringify(view, null, 2)}\n`);
      return;
    }
    io.write(
      [
        `Connected Accelevents at ${baseUrl}`,
        `  ${connection.id}  api_key  status ${connection.status}`,
        `  probe: event ${event.eventUrl} "${event.eventName ?? '?'}" (id ${event.eventId ?? '?'}, zone ${event.timeZone}) answered to ${AUTH_PRESET_HEADERS[readAuth]}`,
        ...warnings.map((w) => `  note: ${w}`),
        '',
      ].join('\n'),
    );
  } finally {
    await sandbox?.close();
    await runtime.close();
  }
}

/**
 * `parley accelevents-sandbox`: runs the Accelevents sandbox (src/sandbox/accelevents/) standalone
 * on its well-known port, and prints what a developer needs: the REST base URL, the (non-secret)
 * sandbox key, the sample events, the control routes and an example curl. Runs until
 * SIGINT/SIGTERM, then closes cleanly.
 */
import type { Command } from 'commander';
import { type AcceleventsAuthPreset, AUTH_PRESETS, isAuthPreset } from '../../accelevents/auth-presets.js';
import { processLogger } from '../../app/process-logger.js';
import { type AcceleventsSandboxOptions, sandboxPort, startAcceleventsSandbox } from '../../app/sandboxes.js';
import { CliError } from '../cli-error.js';

export interface AcceleventsSandboxCliOptions {
  port?: string;
  host: string;
  attendees: string;
  webhookUrl?: string;
  payloadShape: string;
  readAuth?: string;
  writeAuth?: string;
  attendeesKey: string;
}

export interface AcceleventsSandboxIo {
  env: NodeJS.ProcessEnv;
  write(text: string): void;
  /** Resolves when the sandbox should stop; default: on SIGINT or SIGTERM. */
  waitForShutdown(): Promise<void>;
}

const USAGE = 2;

function usage(message: string): never {
  throw new CliError('invalid_option', message, { exitCode: USAGE });
}

function presets(flag: string, raw: string | undefined): AcceleventsAuthPreset[] | undefined {
  if (raw === undefined) return undefined;
  const list = raw.split(/[\s,]+/).filter(Boolean);
  if (list.length === 0 || !list.every(isAuthPreset)) {
    usage(`${flag} must list one or more of ${AUTH_PRESETS.join(', ')}; got "${raw}"`);
  }
  return list;
}

/** Validates every option, naming the flag in the error. */
export function parseAcceleventsSandboxOptions(raw: AcceleventsSandboxCliOptions, env: NodeJS.ProcessEnv) {
  const port = raw.port === undefined ? safePort(env) : Number(raw.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    usage(`--port must be a port from 0 to 65535, got "${raw.port}"`);
  const attendees = Number(raw.attendees);
  if (!/^\d+$/.test(raw.attendees) || attendees > 10_000)
    usage(`--attendees must be a whole number from 0 to 10000, got "${raw.attendees}"`);
  if (raw.payloadShape !== 'flat' && raw.payloadShape !== 'nested')
    usage(`--payload-shape must be flat or nested, got "${raw.payloadShape}"`);
  const key = raw.attendeesKey;
  if (key !== 'attendees' && key !== 'data' && key !== 'content')
    usage(`--attendees-key must be attendees, data or content, got "${key}"`);
  if (raw.webhookUrl !== undefined) {
    try {
      if (!/^https?:$/.test(new URL(raw.webhookUrl).protocol)) throw new Error();
    } catch {
      usage(`--webhook-url must be an absolute http(s) URL, got "${raw.webhookUrl}"`);
    }
  }
  const options: AcceleventsSandboxOptions = {
    port,
    host: raw.host,
    attendees,
    payloadShape: raw.payloadShape,
    attendeesArrayKey: key,
    ...(raw.webhookUrl ? { webhookUrl: raw.webhookUrl } : {}),
  };
  const read = presets('--read-auth', raw.readAuth);
  const write = presets('--write-auth', raw.writeAuth);
  if (read) options.readAuth = read;
  if (write) options.writeAuth = write;
  return options;
}

function safePort(env: NodeJS.ProcessEnv): number {
  try {
    return sandboxPort(env);
  } catch (error) {
    return usage((error as Error).message);
  }
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

export async function runAcceleventsSandbox(
  raw: AcceleventsSandboxCliOptions,
  io: AcceleventsSandboxIo = {
    env: process.env,
    write: (t) => void process.stdout.write(t),
    waitForShutdown: untilSignal,
  },
): Promise<void> {
  const options = parseAcceleventsSandboxOptions(raw, io.env);
  const sandbox = await startAcceleventsSandbox({
    logger: processLogger(process.env, 'service', 'parley-accelevents-sandbox'),
    ...options,
  });
  const events = sandbox.state.events();
  const first = events[0]!;
  io.write(
    [
      `Accelevents sandbox listening on ${sandbox.url}`,
      `  API key         ${sandbox.apiKey}  (sandbox only; opens sample data)`,
      ...events.map(
        (e) =>
          `  event           ${e.eventUrl}  (id ${e.eventId}, ${sandbox.state.tickets(e.eventUrl).length} attendees)`,
      ),
      `  control         ${sandbox.origin}/sandbox/accelevents/info`,
      `  webhooks        ${options.webhookUrl ?? 'none (set --webhook-url)'}, ${raw.payloadShape} payloads`,
      '',
      'Try:',
      `  curl -H 'Key: ${sandbox.apiKey}' '${sandbox.url}/events/${first.eventUrl}/staff/allAttendees?page=0&size=5'`,
      `  curl -X POST -H 'content-type: application/json' -d '{"eventUrl":"${first.eventUrl}","firstName":"Ada","lastName":"Lovelace","email":"ada@example.com"}' ${sandbox.origin}/sandbox/accelevents/attendees`,
      '  parley connect accelevents --base-url sandbox',
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
    .command('accelevents-sandbox')
    .description('run the built-in Accelevents sandbox (events, attendees, orders, sessions, check-in, webhooks)')
    .option('--port <n>', 'port to listen on, 0 for a free one (default: PARLEY_ACCELEVENTS_SANDBOX_PORT or 4011)')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--attendees <n>', 'sample attendees per sample event', '10')
    .option('--webhook-url <url>', 'where to post webhooks on registration, ticket purchase and check-in')
    .option('--payload-shape <shape>', 'webhook body: flat or nested (the real shape is undocumented)', 'flat')
    .option('--read-auth <list>', `presets accepted on reads (default: all of ${AUTH_PRESETS.join(', ')})`)
    .option(
      '--write-auth <list>',
      'presets accepted on writes (default: all but bearer, as production reportedly does)',
    )
    .option('--attendees-key <key>', 'array key of the attendee list: attendees, data or content', 'attendees')
    .action(async (options: AcceleventsSandboxCliOptions) => {
      await runAcceleventsSandbox(options);
    });
}

/**
 * `parley ghl <operationId>`: call any HighLevel Conversations operation (plus upsert-contact and
 * get-contact) through parley's own client, against the built-in sandbox by default
 * (src/sandbox/highlevel/) or a real base URL with a token. Prints the JSON answer; writes downloads
 * to --output.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { type Command, Option } from 'commander';
import { processLogger } from '../../app/process-logger.js';
import { createHighLevelClient } from '../../highlevel/client.js';
import type { CallResult, UploadFile } from '../../highlevel/client-types.js';
import { HighLevelError, HighLevelInvalidCallError, HighLevelUnknownOperationError } from '../../highlevel/errors.js';
import { findOperation } from '../../highlevel/operation-catalog.js';
import type { OperationDescriptor } from '../../highlevel/operation-descriptor.js';
import type { RateLimitInfo } from '../../highlevel/rate-limit-headers.js';
import type { Logger } from '../../lib/create-logger.js';
import { CliError } from '../cli-error.js';

interface GhlOptions {
  baseUrl?: string;
  token?: string;
  location?: string;
  param: string[];
  body?: string;
  file: string[];
  output?: string;
  includeHeaders?: boolean;
  retries: string;
}

const USAGE = 2;
const collect = (value: string, previous: string[]) => [...previous, value];

export function register(program: Command): void {
  program
    .command('ghl')
    .description('call a HighLevel Conversations operation by its operationId (default target: the built-in sandbox)')
    .argument('<operationId>', 'e.g. get-conversation, search-conversation, send-a-new-message')
    .option('--base-url <url>', 'HighLevel base URL (default: start the built-in sandbox)')
    .addOption(new Option('--token <token>', 'access token (default: a sandbox token)').env('HIGHLEVEL_TOKEN'))
    .option('--location <id>', 'location id: fills a locationId parameter and selects the token')
    .option('--param <name=value>', 'path or query parameter; repeat a name for an array', collect, [])
    .option('--body <json>', 'JSON request body, or @file.json to read it from a file')
    .option('--file <path>', 'file to upload (upload-file-attachments); repeatable', collect, [])
    .option('--output <path>', 'write the response (required for binary downloads on a terminal)')
    .option('--include-headers', 'print the status and rate-limit headers to stderr')
    // A debugging tool shows what HighLevel answered: no retries unless asked, so a 429 is visible as a 429.
    .option('--retries <n>', 'retries on network errors, 5xx and 429 (0 to 5)', '0')
    .action(async function (this: Command, operationId: string, options: GhlOptions) {
      await runGhl(operationId, options, this);
    });
}

function operationOrUsageError(operationId: string): OperationDescriptor {
  try {
    return findOperation(operationId);
  } catch (error) {
    if (!(error instanceof HighLevelUnknownOperationError)) throw error;
    const closest = error.suggestions.join(', ');
    throw new CliError('unknown_operation', `unknown operation "${operationId}"; closest: ${closest}`, {
      exitCode: USAGE,
    });
  }
}

/** Sorts `name=value` pairs into path and query parameters; a repeated name becomes an array. */
function parseParams(op: OperationDescriptor, pairs: string[]) {
  const pathNames = new Set([...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string));
  const queryNames = new Set(op.queryParams.map((q) => q.name));
  const path: Record<string, string> = {};
  const query: Record<string, string | string[]> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new CliError('invalid_param', `--param expects name=value, got "${pair}"`, { exitCode: USAGE });
    const name = pair.slice(0, at);
    const value = pair.slice(at + 1);
    if (pathNames.has(name)) path[name] = value;
    else if (queryNames.has(name)) {
      const previous = query[name];
      query[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
    } else {
      const accepted = [...pathNames, ...queryNames].join(', ') || 'none';
      throw new CliError('invalid_param', `${op.operationId} has no parameter "${name}"; it accepts: ${accepted}`, {
        exitCode: USAGE,
      });
    }
  }
  return { path, query };
}

async function parseBody(raw: string | undefined): Promise<unknown> {
  if (raw === undefined) return undefined;
  let text = raw;
  if (raw.startsWith('@')) {
    text = await readFile(raw.slice(1), 'utf8').catch(() => {
      throw new CliError('invalid_body', `--body: cannot read file ${raw.slice(1)}`, { exitCode: USAGE });
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError('invalid_body', `--body is not valid JSON: ${(error as Error).message}`, { exitCode: USAGE });
  }
}

const CONTENT_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.mp4': 'video/mp4',
  '.zip': 'application/zip',
};

async function readFiles(paths: string[]): Promise<UploadFile[]> {
  return Promise.all(
    paths.map(async (path) => {
      const data = await readFile(path).catch(() => {
        throw new CliError('invalid_file', `--file: cannot read ${path}`, { exitCode: USAGE });
      });
      return {
        name: basename(path),
        data,
        contentType: CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
      };
    }),
  );
}

function toCliError(error: unknown): unknown {
  if (error instanceof HighLevelInvalidCallError) {
    const hint = error.place === 'body' ? 'pass --body' : `pass --param ${error.parameter}=<value>`;
    const what =
      error.place === 'body' ? error.message : `missing required ${error.place} parameter "${error.parameter}"`;
    return new CliError('missing_parameter', `${error.operationId}: ${what} (${hint})`, { exitCode: USAGE });
  }
  if (error instanceof HighLevelError) {
    const text = error.messages.length > 0 ? error.messages.join('; ') : error.message;
    const line = error.status === null ? `${error.code}: ${text}` : `HTTP ${error.status} ${error.code}: ${text}`;
    // Second line only when HighLevel sent rate-limit headers, e.g. on a 429.
    const limits = error.rateLimit?.max != null ? `\n${describeRateLimit(error.rateLimit)}` : '';
    return new CliError(error.code, line + limits, { exitCode: 1 });
  }
  return error;
}

async function runGhl(operationId: string, options: GhlOptions, command: Command): Promise<void> {
  const op = operationOrUsageError(operationId);
  const { path, query } = parseParams(op, options.param);
  const body = await parseBody(options.body);
  const files = await readFiles(options.file);
  if (options.baseUrl && !options.token) {
    throw new CliError('missing_token', '--token (or HIGHLEVEL_TOKEN) is required with --base-url', {
      exitCode: USAGE,
    });
  }

  // Logs go to stderr (silent unless LOG_LEVEL is set) so stdout stays the answer alone.
  const logger = processLogger(process.env, 'report');
  const sandbox = options.baseUrl ? null : await startSandbox(logger);
  try {
    const location = options.location ?? sandbox?.defaultLocationId;
    // A sandbox token with exactly this operation's scopes, for the location the call acts for.
    const scopes = op.scopes.length > 0 ? { scopes: [...op.scopes] } : {};
    const token = options.token ?? sandbox?.issueToken({ ...scopes, locationId: location }).accessToken;
    const baseUrl = options.baseUrl ?? sandbox?.url;
    if (location) {
      if (op.path.includes('{locationId}')) path.locationId ??= location;
      if (op.queryParams.some((q) => q.name === 'locationId')) query.locationId ??= location;
    }
    const client = createHighLevelClient({
      baseUrl,
      auth: { getAccessToken: async () => token ?? '' },
      logger,
      maxRetries: parseRetries(options.retries),
    });
    const result = await client
      .call(op.operationId, { path, query, body, files, ...(location ? { locationId: location } : {}) })
      .catch((error: unknown) => {
        throw toCliError(error);
      });
    await printResult(result, options, command);
  } finally {
    await sandbox?.close();
  }
}

function describeRateLimit(r: RateLimitInfo): string {
  return `rate limit: ${r.remaining ?? '?'}/${r.max ?? '?'} per ${r.intervalMs ?? '?'} ms; daily ${r.dailyRemaining ?? '?'}/${r.dailyLimit ?? '?'}`;
}

function parseRetries(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 5) {
    throw new CliError('invalid_option', `--retries must be a whole number from 0 to 5, got "${value}"`, {
      exitCode: USAGE,
    });
  }
  return n;
}

async function startSandbox(logger: Logger) {
  // Loaded only when needed: a call with --base-url never starts (or loads) the sandbox.
  const { startHighLevelSandbox } = await import('../../app/sandboxes.js');
  return startHighLevelSandbox({ port: 0, logger });
}

async function printResult(result: CallResult, options: GhlOptions, command: Command): Promise<void> {
  const out = command.configureOutput();
  const writeOut = out.writeOut ?? ((text: string) => process.stdout.write(text));
  const writeErr = out.writeErr ?? ((text: string) => process.stderr.write(text));
  if (options.includeHeaders) {
    writeErr(`HTTP ${result.status}\n${describeRateLimit(result.rateLimit)}\n`);
  }
  const { data } = result;
  const content = Buffer.isBuffer(data) ? data : typeof data === 'string' ? data : `${JSON.stringify(data, null, 2)}\n`;
  if (options.output) {
    await writeFile(options.output, content);
    writeErr(`wrote ${Buffer.byteLength(content)} bytes to ${options.output}\n`);
  } else if (Buffer.isBuffer(content)) {
    if (process.stdout.isTTY) {
      throw new CliError('binary_to_tty', 'the response is binary; pass --output <path> (or pipe stdout)', {
        exitCode: USAGE,
      });
    }
    process.stdout.write(content);
  } else {
    writeOut(content);
  }
}

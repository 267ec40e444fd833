/**
 * `parley inbox list|show|reprocess`: every stored webhook delivery, including the ones that started
 * no run and why (src/intake/inbox-reasons.ts), and sending deliveries through the current mapping
 * again (src/intake/reprocess-deliveries.ts). Opens the database only, like `parley dlq`.
 */
import type { Command } from 'commander';
import type { CommandIo } from '../../app/command-io.js';
import { loadFileConfig } from '../../app/load-file-config.js';
import { withStoreRuntime } from '../../app/open-store-runtime.js';
import { IntakeError } from '../../intake/intake-error.js';
import {
  type DeliveryDetail,
  type DeliverySummary,
  getDelivery,
  listDeliveries,
  REPROCESSABLE_STATUSES,
  type ReprocessableStatus,
} from '../../intake/list-deliveries.js';
import { parseSince, SINCE_FORMS } from '../../intake/parse-since.js';
import { type ReprocessResult, reprocessDeliveries } from '../../intake/reprocess-deliveries.js';
import type { Logger } from '../../lib/create-logger.js';
import type { Queue } from '../../queue/types.js';
import type { Store } from '../../store/open-database.js';
import { INBOX_STATUSES, type InboxStatus } from '../../store/schema.js';
import { CliError } from '../cli-error.js';
import { commandIo, terminalJson as toJson } from '../command-output.js';
import { oneLine, textTable } from '../text-table.js';
import { withCliErrors } from '../to-cli-error.js';

export interface InboxListOptions {
  status?: string;
  since?: string;
  /** Default 100. */
  limit?: number;
  json?: boolean;
}

export interface InboxShowOptions {
  json?: boolean;
}

export interface InboxReprocessOptions {
  status?: string;
  /** With --status: at most this many (default 1000). */
  limit?: number;
  json?: boolean;
}

const DEFAULT_LIST_LIMIT = 100;
const DEFAULT_REPROCESS_LIMIT = 1000;
const REASON_COLUMN_MAX = 60;

export function register(program: Command): void {
  const inbox = program
    .command('inbox')
    .description('stored webhook deliveries: list them, show one, send them through the mapping again');
  inbox
    .command('list')
    .description('list stored deliveries newest first, with their status and why any started no run')
    .option('--status <status>', `only this status: ${INBOX_STATUSES.join(', ')}`)
    .option('--since <when>', `only deliveries received since ${SINCE_FORMS}`)
    .option('--limit <n>', 'show at most this many', parseLimit, DEFAULT_LIST_LIMIT)
    .option('--json', 'print JSON')
    .action(async function (this: Command, options: InboxListOptions) {
      await runInboxList(options, commandIo(this));
    });
  inbox
    .command('show')
    .description('show one delivery: status, reason or error, headers, mapped fields and the raw body')
    .argument('<id>', 'the delivery id (see `parley inbox list`)')
    .option('--json', 'print JSON')
    .action(async function (this: Command, id: string, options: InboxShowOptions) {
      await runInboxShow(id, options, commandIo(this));
    });
  inbox
    .command('reprocess')
    .description('map a delivery (or every delivery with a status) again with the current mapping and queue it')
    .argument('[id]', 'the delivery to reprocess (see `parley inbox list`)')
    .option('--status <status>', `every delivery with this status: ${REPROCESSABLE_STATUSES.join(', ')}`)
    .option('--limit <n>', `with --status: at most this many (default ${DEFAULT_REPROCESS_LIMIT})`, parseLimit)
    .option('--json', 'print JSON')
    .action(async function (this: Command, id: string | undefined, options: InboxReprocessOptions) {
      await runInboxReprocess(id, options, commandIo(this));
    });
}

export async function runInboxList(options: InboxListOptions, io: CommandIo): Promise<void> {
  const now = (io.now ?? Date.now)();
  const status = options.status === undefined ? undefined : listStatus(options.status);
  const since = options.since === undefined ? undefined : sinceOption(options.since, now);
  const limit = options.limit ?? DEFAULT_LIST_LIMIT;
  await withInboxStore(io, async ({ store }) => {
    const page = await listDeliveries(store.db, { status, since, limit });
    if (options.json === true) {
      io.write(toJson(page.items));
      return;
    }
    if (page.items.length === 0) {
      io.write(
        `No deliveries${status === undefined ? '' : ` with status ${status}`}${since === undefined ? '' : ' in that time'}.\n`,
      );
      return;
    }
    io.write(formatTable(page.items));
    const count = `${page.items.length} deliver${page.items.length === 1 ? 'y' : 'ies'}`;
    const more = page.next === null ? '' : ' (more are stored: raise --limit or narrow --since)';
    io.write(`\n${count}${more}. Show one with: parley inbox show <id>\n`);
  });
}

export async function runInboxShow(id: string, options: InboxShowOptions, io: CommandIo): Promise<void> {
  await withInboxStore(io, async ({ store }) => {
    const delivery = await getDelivery(store.db, id);
    if (delivery === null) {
      throw new CliError('delivery_not_found', `no delivery with id ${printable(id)} (see \`parley inbox list\`)`);
    }
    io.write(options.json === true ? toJson(delivery) : formatDetail(delivery));
  });
}

export async function runInboxReprocess(
  id: string | undefined,
  options: InboxReprocessOptions,
  io: CommandIo,
): Promise<void> {
  if (id !== undefined && options.status !== undefined) {
    throw new CliError('invalid_argument', 'give either a delivery id or --status, not both', { exitCode: 2 });
  }
  if (id === undefined && options.status === undefined) {
    throw new CliError(
      'invalid_argument',
      `give the id of a delivery (see \`parley inbox list\`), or --status ${REPROCESSABLE_STATUSES.join('|')}`,
      { exitCode: 2 },
    );
  }
  const status = options.status === undefined ? undefined : reprocessStatus(options.status);
  const limit = options.limit ?? DEFAULT_REPROCESS_LIMIT;
  // The mapping to apply is the one in the config file now, which is the point of reprocessing.
  const fileConfig = await withCliErrors(() =>
    loadFileConfig({ env: io.env, cwd: io.cwd, ...(io.sandboxUrl ? { sandboxUrl: io.sandboxUrl } : {}) }),
  );
  await withInboxStore(io, async ({ store, queue, logger }) => {
    const now = io.now ?? Date.now;
    const results = await reprocessDeliveries(
      {
        db: store.db,
        queue,
        config: fileConfig.accelevents.webhook,
        logger,
        now,
      },
      id !== undefined ? { ids: [id] } : { status, limit },
    );
    if (options.json === true) {
      io.write(toJson(results));
      return;
    }
    if (results.length === 0) {
      io.write(`No ${status} deliveries to reprocess.\n`);
      return;
    }
    io.write(results.map(formatResult).join(''));
    const queued = results.filter((result) => result.queued > 0).length;
    const noun = results.length === 1 ? 'delivery' : 'deliveries';
    // Deliveries that still start no run keep their status, so running it again would take the same ones.
    const more =
      id === undefined && results.length === limit
        ? ` Only the oldest ${limit} were taken: raise --limit for more.`
        : '';
    io.write(
      `\nReprocessed ${results.length} ${noun}: ${queued} queued, ${results.length - queued} started nothing.${more}\n`,
    );
  });
}

interface InboxContext {
  store: Store;
  queue: Queue;
  logger: Logger;
}

/** The command's one piece of wiring: the store from the environment, a logger on stderr, errors for the terminal. */
async function withInboxStore(io: CommandIo, body: (context: InboxContext) => Promise<void>): Promise<void> {
  await withCliErrors(async () => {
    await withStoreRuntime(io, async ({ store, queue, logger }) => {
      try {
        await body({ store, queue, logger });
      } catch (error) {
        if (error instanceof IntakeError) throw new CliError(error.code, error.message);
        throw error;
      }
    });
  });
}

function listStatus(value: string): InboxStatus {
  const status = INBOX_STATUSES.find((known) => known === value);
  if (status === undefined) {
    throw new CliError(
      'invalid_argument',
      `--status must be one of ${INBOX_STATUSES.join(', ')}; got "${printable(value)}"`,
      { exitCode: 2 },
    );
  }
  return status;
}

function reprocessStatus(value: string): ReprocessableStatus {
  const status = REPROCESSABLE_STATUSES.find((known) => known === value);
  if (status === undefined) {
    throw new CliError(
      'invalid_argument',
      `--status must be one of ${REPROCESSABLE_STATUSES.join(', ')} (deliveries that did not run); got "${printable(value)}"`,
      { exitCode: 2 },
    );
  }
  return status;
}

function sinceOption(value: string, now: number): number {
  const since = parseSince(value, now);
  if (since === null) {
    throw new CliError('invalid_argument', `--since must be ${SINCE_FORMS}; got "${printable(value)}"`, {
      exitCode: 2,
    });
  }
  return since;
}

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new CliError('invalid_argument', `--limit must be a positive integer; got "${printable(value)}"`, {
      exitCode: 2,
    });
  }
  return limit;
}

function formatTable(deliveries: DeliverySummary[]): string {
  const rows = deliveries.map((d) => [
    d.id,
    d.receivedAt,
    printable(d.topic ?? '-'),
    d.status,
    reasonText(d.reason ?? d.error ?? '-'),
  ]);
  return textTable(['ID', 'RECEIVED', 'TOPIC', 'STATUS', 'REASON'], rows);
}

function formatDetail(d: DeliveryDetail): string {
  const lines = [
    `Delivery ${d.id}`,
    `  source:       ${d.source}`,
    `  received:     ${d.receivedAt}`,
    `  topic:        ${printable(d.topic ?? '-')}`,
    `  status:       ${d.status}`,
    `  reason:       ${d.reasonCode === null ? '-' : `${d.reasonCode}: ${printable(d.reason ?? '')}`}`,
    `  error:        ${printable(d.error ?? '-')}`,
    `  processed:    ${d.processedAt ?? '-'}`,
    `  content type: ${printable(d.contentType ?? '-')}`,
    '',
    'Headers:',
    ...Object.entries(d.headers).map(([name, value]) => `  ${printable(name)}: ${printable(value)}`),
    '',
    'Mapped fields:',
    printable(d.mapped === null ? '(none)' : JSON.stringify(d.mapped, null, 2)),
    '',
    'Body (raw):',
    printable(d.body),
  ];
  return `${lines.join('\n')}\n`;
}

function formatResult(result: ReprocessResult): string {
  const parts = [`${result.id}: ${result.status}`, `queued ${result.queued} job${result.queued === 1 ? '' : 's'}`];
  if (result.reasonCode !== null) parts.push(`${result.reasonCode}: ${reasonText(result.reason ?? '')}`);
  if (result.createdIds.length > 0) parts.push(`new deliveries ${result.createdIds.join(', ')}`);
  return `${parts.join('; ')}\n`;
}

/** A reason or error for one table cell or result line, control characters made visible. */
function reasonText(text: string): string {
  return oneLine(printable(text), REASON_COLUMN_MAX);
}

/**
 * Raw bodies and headers are whoever-sent-them's text: control characters (an ANSI escape could rewrite
 * the terminal) are shown as \xNN; newlines and tabs stay.
 */
function printable(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/**
 * `parley backfill --event <eventUrl> [--dry-run]`: imports an event's existing attendees through the
 * reconciliation path (src/jobs/pollers/reconciler.ts: inbox row + `accelevents.event` job), in the
 * `backfill` lane so live welcomes always go first. A running `parley start` (or worker) then sends
 * the welcomes; the ETA is from the rate budget (backfill-progress.ts). Progress goes to stderr as a
 * one-line bar; the summary goes to stdout.
 */
import type { Command } from 'commander';
import { type CommandIo, processIo } from '../../app/command-io.js';
import { openRuntimeFor } from '../../app/open-runtime.js';
import { acceleventsClientFromConnection } from '../../credentials/accelevents-client.js';
import { estimateBackfill, formatDuration, pickBudget, progressLine } from '../../jobs/pollers/backfill-progress.js';
import { createReconciler, type Reconciler } from '../../jobs/pollers/reconciler.js';
import { createRateScheduler } from '../../ratelimit/create-rate-scheduler.js';
import type { BudgetView } from '../../ratelimit/types.js';
import { CliError } from '../cli-error.js';
import { withCliErrors } from '../to-cli-error.js';

export interface BackfillOptions {
  event: string;
  dryRun?: boolean;
}

export interface BackfillDeps {
  reconciler: Reconciler;
  budgets: () => Promise<BudgetView[]>;
  /** The answer (stdout). */
  write: (text: string) => void;
  /** The progress bar (stderr). */
  progress: (text: string) => void;
}

export function register(program: Command): void {
  program
    .command('backfill')
    .description("import an Accelevents event's existing attendees (welcome flows in the backfill lane)")
    .requiredOption('--event <eventUrl>', 'the event URL (slug), e.g. parley-spring-summit')
    .option('--dry-run', 'print who would be imported; store nothing')
    .action(async (options: BackfillOptions) => {
      await runBackfillCommand(options, processIo());
    });
}

export async function runBackfillCommand(options: BackfillOptions, io: CommandIo): Promise<void> {
  await withCliErrors(async () => {
    const runtime = await openRuntimeFor(io);
    try {
      const accelevents = await acceleventsClientFromConnection({
        repository: runtime.repository,
        config: runtime.config,
        logger: runtime.logger,
        ...(io.fetch ? { fetch: io.fetch } : {}),
      });
      if (!accelevents) {
        throw new CliError('not_connected', 'no Accelevents connection: run `parley connect accelevents` first');
      }
      const now = io.now ?? Date.now;
      const reconciler = createReconciler({
        db: runtime.store.db,
        queue: runtime.queue,
        accelevents,
        events: [options.event],
        logger: runtime.logger,
        now,
        webhook: runtime.config.accelevents.webhook,
      });
      // Shared mode reads the buckets every process keeps in rate_limit_state.
      const scheduler = createRateScheduler({ mode: 'shared', store: runtime.store, now });
      await runBackfill(options, {
        reconciler,
        budgets: () => scheduler.budgets(),
        write: io.write,
        progress: (text) => process.stderr.write(text),
      });
    } finally {
      await runtime.close();
    }
  });
}

export async function runBackfill(options: BackfillOptions, deps: BackfillDeps): Promise<void> {
  if (typeof options.event !== 'string' || options.event.trim() === '') {
    throw new CliError('invalid_argument', '--event needs the event URL (slug), e.g. parley-spring-summit', {
      exitCode: 2,
    });
  }
  const budget = pickBudget(await deps.budgets());
  const verb = options.dryRun ? 'to import' : 'imported';
  let drawn = false;
  const report = await deps.reconciler.reconcileOnce({
    events: [options.event],
    lane: 'backfill',
    dryRun: options.dryRun === true,
    onProgress: (p) => {
      drawn = true;
      deps.progress(
        progressLine({
          done: p.checked,
          total: p.total,
          label: `${verb} ${p.enqueued}`,
          etaMs: estimateBackfill(p.enqueued, budget).ms,
        }),
      );
    },
  });
  if (drawn) deps.progress('\n');
  const flows = report.imported.length;
  const estimate = estimateBackfill(flows, budget);
  const pace = `${budget.max} calls per ${formatDuration(budget.intervalMs)}`;
  if (options.dryRun) {
    for (const a of report.imported) deps.write(`would import ${a.attendeeId}${a.email ? ` <${a.email}>` : ''}\n`);
  }
  deps.write(
    `${options.dryRun ? 'Dry run: would import' : 'Imported'} ${flows} of ${report.checked} attendees of ${options.event} ` +
      `(${report.alreadyKnown} already received${report.skipped ? `, ${report.skipped} without an id skipped` : ''}).\n`,
  );
  if (report.truncated.length > 0) deps.write('Warning: the attendee list hit the page cap; run backfill again.\n');
  if (flows > 0) {
    deps.write(
      `${options.dryRun ? 'They would need' : 'The welcome flows need'} about ${estimate.calls} HighLevel calls: ` +
        `ETA ${formatDuration(estimate.ms)} at ${pace} in the backfill lane` +
        `${estimate.spillsIntoNextDay ? ' (past today’s daily budget)' : ''}` +
        `${options.dryRun ? '' : '; a running `parley start` sends them'}.\n`,
    );
  }
}

/**
 * `parley simulate --attendees N [--check-in] [--reply TEXT] [--json] [--url <parley>]`: sample
 * attendees through the real flow, then a report to review. Each attendee registers in the Accelevents
 * sandbox (parley welcomes them), with --check-in checks in there too (parley sends the check-in
 * question), and with --reply answers the latest message of their conversation in the HighLevel
 * sandbox (parley receives the signed InboundMessage webhook and stores the answer).
 *
 * With --url the run targets the parley in sandbox mode there and fails, naming the URL, when there
 * is none. Without it, a parley answering on the default port is used, else one is started in this
 * process on a temporary data directory (simulate-target.ts).
 */
import type { Command } from 'commander';
import type { CommandIo } from '../../app/command-io.js';
import { processIo } from '../../app/command-io.js';
import {
  callTranscript,
  checkInAttendee,
  registerAttendee,
  replyAsContact,
  sampleAttendee,
} from '../../app/simulate-sandboxes.js';
import {
  inProcessTarget,
  probeParley,
  requiredServer,
  type SimulationTarget,
  serverTarget,
} from '../../app/simulate-target.js';
import { loadConfig } from '../../config/load-config.js';
import { type Logger, silentLogger } from '../../lib/create-logger.js';
import { CliError } from '../cli-error.js';
import { withCliErrors } from '../to-cli-error.js';
import {
  type AttendeeLink,
  deadLetters,
  linksOf,
  preferencesStored,
  processedInbound,
  sentCount,
} from './simulate-progress.js';

export type { SandboxInfo } from '../../app/simulate-target.js';

export interface SimulatedAttendee {
  attendeeId: string;
  email: string;
  contactId: string | null;
  conversationId: string | null;
  welcomeMessageId: string | null;
}

export interface SimulationReport {
  mode: 'server' | 'in-process';
  /** Every attendee registered, in order. */
  attendees: SimulatedAttendee[];
  conversations: number;
  /** Attendees whose registration welcome was sent. */
  welcomes: number;
  /** With --check-in: attendees whose check-in message was sent; otherwise null. */
  checkInMessages: number | null;
  /** With --reply: replies parley received and processed; otherwise null. */
  repliesProcessed: number | null;
  /** Attendees whose answer to the check-in question is stored. */
  preferencesStored: number;
  /** Jobs dead-lettered during the run, and the first few errors. */
  deadLetters: number;
  deadLetterErrors: string[];
  transcript: { messageId: string; text: string } | null;
  /** True when the wait ended before every step was done for every attendee. */
  timedOut: boolean;
}

export interface SimulateOptions {
  attendees: number;
  /** Check each attendee in at the Accelevents sandbox after their welcome. */
  checkIn?: boolean;
  /** Each attendee answers the latest message of their conversation with this text. */
  reply?: string;
  /** A running parley (sandbox mode) to target; an error when none answers there. */
  url?: string;
  /** Where a running parley is looked for without `url`; when none answers, one runs in this process. */
  defaultUrl?: string;
  /** For the whole run. Default 120 s. */
  timeoutMs?: number;
  logger?: Logger;
  /** Server mode reads the store this env names (PARLEY_DATA_DIR or DATABASE_URL). */
  env?: NodeJS.ProcessEnv;
  /** In-process: the HighLevel sandbox's burst window; default HighLevel's 100 per 10 s. Tests widen it. */
  burst?: { limit: number; intervalMs: number };
}

async function targetFor(options: SimulateOptions, env: NodeJS.ProcessEnv, logger: Logger): Promise<SimulationTarget> {
  if (options.url !== undefined) return requiredServer(options.url, env, logger);
  if (options.defaultUrl !== undefined) {
    const probe = await probeParley(options.defaultUrl);
    if ('found' in probe) return serverTarget(probe.found, env, logger);
  }
  return inProcessTarget({ logger, ...(options.burst ? { burst: options.burst } : {}) });
}

function checkOptions(options: SimulateOptions): void {
  if (!Number.isInteger(options.attendees) || options.attendees < 1) {
    throw new CliError('invalid_argument', `--attendees must be a whole number >= 1, got ${options.attendees}`, {
      exitCode: 2,
    });
  }
  if (options.reply !== undefined && options.reply.trim() === '') {
    throw new CliError('invalid_argument', '--reply must be the text each attendee answers with, got an empty one', {
      exitCode: 2,
    });
  }
}

/** Polls `done` until it holds or the deadline passes; false when the deadline came first. */
async function waitUntil(deadline: number, done: () => Promise<boolean>): Promise<boolean> {
  for (;;) {
    if (await done()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function simulate(options: SimulateOptions): Promise<SimulationReport> {
  checkOptions(options);
  const logger = options.logger ?? silentLogger();
  const target = await withCliErrors(() => targetFor(options, options.env ?? process.env, logger));
  const since = Date.now();
  const deadline = since + (options.timeoutMs ?? 120_000);
  const { store, info } = target;
  try {
    const people: (ReturnType<typeof sampleAttendee> & { barcode: string })[] = [];
    for (let n = 0; n < options.attendees; n++) {
      const person = sampleAttendee(n, since);
      people.push({ ...person, barcode: await registerAttendee(info, person) });
    }
    const ids = people.map((p) => p.barcode);
    let complete = await waitUntil(
      deadline,
      async () => sentCount(await linksOf(store, ids, 'registration')) >= ids.length,
    );
    const welcomed = await linksOf(store, ids, 'registration');

    let checkInMessages: number | null = null;
    if (options.checkIn) {
      for (const person of people) await checkInAttendee(info, person.eventUrl, person.barcode);
      complete &&= await waitUntil(
        deadline,
        async () => sentCount(await linksOf(store, ids, 'check-in')) >= ids.length,
      );
      checkInMessages = sentCount(await linksOf(store, ids, 'check-in'));
    }

    const contactIds = [...welcomed.values()].map((l) => l.contactId).filter((id): id is string => id !== null);
    let repliesProcessed: number | null = null;
    if (options.reply !== undefined) {
      const text = options.reply;
      const conversations = [...new Set([...welcomed.values()].map((l) => l.conversationId))].filter(
        (id): id is string => id !== null,
      );
      const replies: string[] = [];
      for (const conversationId of conversations) replies.push(await replyAsContact(info, conversationId, text));
      // Received and finished with; a checked-in attendee's answer is also stored by the reply workflow.
      complete &&= await waitUntil(
        deadline,
        async () =>
          (await processedInbound(store, replies, since)) >= replies.length &&
          (!options.checkIn || (await preferencesStored(store, contactIds)) >= contactIds.length),
      );
      repliesProcessed = await processedInbound(store, replies, since);
    }

    const dead = await deadLetters(store, since);
    return {
      mode: target.mode,
      attendees: people.map((p) => attendeeOf(p.barcode, p.email, welcomed.get(p.barcode))),
      conversations: new Set([...welcomed.values()].map((l) => l.conversationId).filter(Boolean)).size,
      welcomes: sentCount(welcomed),
      checkInMessages,
      repliesProcessed,
      preferencesStored: await preferencesStored(store, contactIds),
      deadLetters: dead.length,
      deadLetterErrors: dead.slice(0, 5),
      transcript: await callTranscript(info, logger).catch(() => null),
      timedOut: !complete,
    };
  } finally {
    await target.close();
  }
}

function attendeeOf(attendeeId: string, email: string, link: AttendeeLink | undefined): SimulatedAttendee {
  return {
    attendeeId,
    email,
    contactId: link?.contactId ?? null,
    conversationId: link?.conversationId ?? null,
    welcomeMessageId: link?.messageId ?? null,
  };
}

export function formatReport(report: SimulationReport): string {
  const waited = report.timedOut ? '   (timed out waiting for the rest)' : '';
  const lines = [
    `parley simulate (${report.mode})`,
    `  attendees registered: ${report.attendees.length}`,
    `  conversations:        ${report.conversations}`,
    `  welcome messages:     ${report.welcomes}${waited}`,
    ...(report.checkInMessages === null ? [] : [`  check-in messages:    ${report.checkInMessages}`]),
    ...(report.repliesProcessed === null ? [] : [`  replies received:     ${report.repliesProcessed}`]),
    ...(report.checkInMessages === null ? [] : [`  preferences stored:   ${report.preferencesStored}`]),
    `  failures (dead jobs): ${report.deadLetters}`,
    ...report.deadLetterErrors.map((e) => `    - ${e}`),
    '  attendee ↔ contact ↔ conversation ↔ message (first 10):',
    ...report.attendees
      .slice(0, 10)
      .map((a) => `    ${a.attendeeId} ↔ ${a.contactId} ↔ ${a.conversationId} ↔ ${a.welcomeMessageId}`),
    report.transcript
      ? `  call transcript to review (message ${report.transcript.messageId}):\n${indent(report.transcript.text)}`
      : '  call transcript: none found in the sandbox location',
  ];
  return `${lines.join('\n')}\n`;
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

export interface SimulateCommandOptions {
  attendees: number;
  checkIn?: boolean;
  reply?: string;
  json?: boolean;
  url?: string;
  timeout: number;
}

/** Runs the simulation and prints the report; the exit code is 1 when it timed out or a job was dead-lettered. */
export async function runSimulate(
  options: SimulateCommandOptions,
  io: CommandIo,
  extra: Pick<SimulateOptions, 'burst' | 'logger' | 'defaultUrl'> = {},
): Promise<number> {
  const report = await simulate({
    attendees: options.attendees,
    ...(options.checkIn ? { checkIn: true } : {}),
    ...(options.reply !== undefined ? { reply: options.reply } : {}),
    ...(options.url !== undefined ? { url: options.url } : {}),
    timeoutMs: options.timeout * 1_000,
    env: io.env,
    ...extra,
  });
  io.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return report.timedOut || report.deadLetters > 0 ? 1 : 0;
}

export function register(program: Command): void {
  program
    .command('simulate')
    .description('send sample attendees through parley and the sandboxes and print a report')
    .requiredOption('--attendees <n>', 'how many sample attendees to register', (v) => Number(v))
    .option('--check-in', 'check each attendee in at the Accelevents sandbox after their welcome')
    .option('--reply <text>', 'each attendee answers the latest message of their conversation with this text')
    .option('--json', 'print the report as JSON')
    .option('--url <url>', 'a running parley in sandbox mode; without it one on $PORT, else one in this process')
    .option('--timeout <seconds>', 'how long to wait for the whole run', (v) => Number(v), 120)
    .action(async (options: SimulateCommandOptions) => {
      const io = processIo();
      const defaultUrl = `http://127.0.0.1:${loadConfig(process.env).port}`;
      process.exitCode = await runSimulate(options, io, options.url === undefined ? { defaultUrl } : {});
    });
}

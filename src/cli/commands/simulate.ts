/**
 * `parley simulate --attendees N [--url <parley>]`: sample registrations through the real pipeline
 * into the sandboxes, then a report to review. When a parley in sandbox mode answers
 * `GET /sandbox-info` at --url, the attendees are registered in the Accelevents sandbox it runs (which
 * that parley already points at its own intake) and progress is read from the same store (same env:
 * DATA_DIR or DATABASE_URL). Otherwise everything runs in this process: both sandboxes, a store in a
 * temp directory, intake on a real port and the composed pipeline, as test/pipeline/pipeline-world.ts does.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import Fastify from 'fastify';
import { loadConfig } from '../../config/load-config.js';
import { createHighLevelClient, type HighLevelClient } from '../../highlevel/client.js';
import type { GetMessagesResponse } from '../../highlevel/normalize-get-messages.js';
import { registerAcceleventsWebhookRoute } from '../../intake/accelevents-webhook-route.js';
import { createAcceleventsWebhookSecret } from '../../intake/webhook-secret.js';
import { createLogger, type Logger } from '../../logging/create-logger.js';
import { composePipeline } from '../../pipeline/compose-pipeline.js';
import { loadEnabledWorkflows } from '../../pipeline/enabled-workflows.js';
import { createLocationResolver } from '../../pipeline/location-resolver.js';
import { startAcceleventsSandbox } from '../../sandbox/accelevents/create-sandbox.js';
import { SAMPLE_EVENT_URL } from '../../sandbox/accelevents/sample-events.js';
import { startHighLevelSandbox } from '../../sandbox/highlevel/create-sandbox.js';
import { openDatabase, type Store } from '../../store/open-database.js';
import { CliError } from '../cli-error.js';

/**
 * What `parley start` serves at GET /sandbox-info in sandbox mode (src/server/run-parley.ts). It
 * carries no webhook URL: that parley already points its Accelevents sandbox at its own intake.
 */
export interface SandboxInfo {
  highlevel: { url: string; locationId: string };
  accelevents: { url: string };
}

export interface LinkRow {
  attendeeId: string;
  contactId: string | null;
  conversationId: string | null;
  messageId: string | null;
}

export interface SimulationReport {
  mode: 'server' | 'in-process';
  registered: number;
  conversations: number;
  welcomeMessages: number;
  deadJobs: { count: number; errors: string[] };
  /** The first 10 attendee ↔ contact ↔ conversation ↔ message links. */
  links: LinkRow[];
  transcript: { messageId: string; text: string } | null;
  /** True when the wait ended before every attendee had its welcome. */
  timedOut: boolean;
}

export interface SimulateOptions {
  attendees: number;
  /** parley's base URL; when nothing answers there, the simulation runs in-process. */
  url: string;
  timeoutMs?: number;
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
  /**
   * In-process mode: the HighLevel sandbox's burst window. Default HighLevel's own 100 per 10 s
   * (its documented burst limit), so the run paces as a real location would; tests widen it.
   */
  burst?: { limit: number; intervalMs: number };
}

interface Target {
  mode: SimulationReport['mode'];
  info: SandboxInfo;
  /** In-process only: where this run's Accelevents sandbox must send its webhooks. */
  webhookUrl: string | null;
  store: Store;
  close(): Promise<void>;
}

export async function simulate(options: SimulateOptions): Promise<SimulationReport> {
  if (!Number.isInteger(options.attendees) || options.attendees < 1) {
    throw new CliError(`--attendees must be a whole number >= 1, got ${options.attendees}`, 'invalid_argument', 2);
  }
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const env = options.env ?? process.env;
  const remote = await fetchSandboxInfo(options.url);
  const target = remote ? await serverTarget(remote, env, logger) : await inProcessTarget(logger, options.burst);
  const since = Date.now();
  try {
    const origin = new URL(target.info.accelevents.url).origin;
    if (target.webhookUrl) await admin(origin, 'settings', { webhookUrl: target.webhookUrl });
    const barcodes: string[] = [];
    for (let n = 0; n < options.attendees; n++) {
      const { barcode } = await admin<{ barcode: string }>(origin, 'attendees', sampleAttendee(n, since));
      barcodes.push(barcode);
    }
    const timedOut = !(await waitForWelcomes(target.store, barcodes, options.timeoutMs ?? 120_000));
    const links = await linksOf(target.store, barcodes);
    const dead = await target.store.db
      .selectFrom('jobs')
      .select(['last_error'])
      .where('status', '=', 'dead')
      .where('created_at', '>=', since)
      .execute();
    return {
      mode: target.mode,
      registered: barcodes.length,
      conversations: new Set(links.map((l) => l.conversationId).filter(Boolean)).size,
      welcomeMessages: links.filter((l) => l.messageId !== null).length,
      deadJobs: { count: dead.length, errors: dead.slice(0, 5).map((d) => d.last_error ?? '(no error recorded)') },
      links: links.slice(0, 10),
      transcript: await callTranscript(target.info, logger).catch(() => null),
      timedOut,
    };
  } finally {
    await target.close();
  }
}

async function fetchSandboxInfo(url: string): Promise<SandboxInfo | null> {
  try {
    const res = await fetch(new URL('/sandbox-info', url), { signal: AbortSignal.timeout(2_000) });
    if (!res.ok) return null;
    const info = (await res.json()) as Partial<SandboxInfo>;
    return info.highlevel?.url && info.accelevents?.url ? (info as SandboxInfo) : null;
  } catch {
    return null; // Nothing listening: run in-process.
  }
}

async function serverTarget(info: SandboxInfo, env: NodeJS.ProcessEnv, logger: Logger): Promise<Target> {
  const config = loadConfig(env);
  const store = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    logger,
    migrate: false,
  });
  return { mode: 'server', info, webhookUrl: null, store, close: () => store.close() };
}

async function inProcessTarget(logger: Logger, burst: SimulateOptions['burst']): Promise<Target> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-simulate-'));
  const highlevel = await startHighLevelSandbox({
    logger,
    port: 0,
    host: '127.0.0.1',
    rsaModulusLength: 1024,
    ...(burst ? { burstLimit: burst.limit, burstIntervalMs: burst.intervalMs } : {}),
  });
  const accelevents = await startAcceleventsSandbox({ logger, port: 0, host: '127.0.0.1' });
  const store = await openDatabase({ dataDir: join(dir, 'data'), logger });
  const locationId = highlevel.addLocation({ attendees: 3 }).location.id;
  const token = highlevel.issueToken({ locationId }).accessToken;
  const pipeline = composePipeline({
    store,
    auth: { getAccessToken: async () => token },
    baseUrl: highlevel.url,
    appId: highlevel.appId,
    workflows: await loadEnabledWorkflows({ features: ['registration-welcome'] }),
    locations: createLocationResolver({ defaultLocationId: locationId }),
    eventNames: { [SAMPLE_EVENT_URL]: accelevents.state.event(SAMPLE_EVENT_URL).eventName },
    logger,
    pollMs: 20,
  });
  const app = Fastify({ logger: false });
  await registerAcceleventsWebhookRoute(app, { db: store.db, queue: pipeline.queue, logger });
  const secret = await createAcceleventsWebhookSecret(store.db);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  pipeline.start();
  return {
    mode: 'in-process',
    info: { highlevel: { url: highlevel.url, locationId }, accelevents: { url: accelevents.url } },
    webhookUrl: `${base}/hooks/accelevents/${secret}`,
    store,
    close: async () => {
      await accelevents.flush();
      await pipeline.stop({ graceMs: 1_000 });
      await app.close();
      await accelevents.close();
      await highlevel.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every third sample attendee has no phone, so both SMS and Email welcomes show up. */
function sampleAttendee(n: number, runTag: number) {
  return {
    eventUrl: SAMPLE_EVENT_URL,
    firstName: `Sample${n + 1}`,
    lastName: 'Attendee',
    email: `sample${n + 1}.${runTag}@example.com`,
    phoneNumber: n % 3 === 2 ? null : `+1555${String(runTag % 1_000).padStart(3, '0')}${String(n).padStart(4, '0')}`,
  };
}

async function admin<T = unknown>(origin: string, route: string, body: unknown): Promise<T> {
  const res = await fetch(`${origin}/sandbox/accelevents/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const data = (await res.json()) as T & { message?: string };
  if (!res.ok)
    throw new CliError(`Accelevents sandbox refused POST ${route}: ${data.message ?? res.status}`, 'sandbox_refused');
  return data;
}

/** Polls the store until every attendee has a welcome link; false when the timeout came first. */
async function waitForWelcomes(store: Store, barcodes: string[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = (await linksOf(store, barcodes)).filter((l) => l.messageId !== null).length;
    if (done >= barcodes.length) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function linksOf(store: Store, barcodes: string[]): Promise<LinkRow[]> {
  const rows = await store.db.selectFrom('attendee_links').selectAll().where('attendee_id', 'in', barcodes).execute();
  const order = new Map(barcodes.map((b, i) => [b, i]));
  return rows
    .map((r) => ({
      attendeeId: r.attendee_id,
      contactId: r.contact_id,
      conversationId: r.conversation_id,
      messageId: r.welcome_message_id,
    }))
    .sort((a, b) => (order.get(a.attendeeId) ?? 0) - (order.get(b.attendeeId) ?? 0));
}

/** The first call message in the location's conversations, and its transcript (the sandbox seeds one). */
async function callTranscript(info: SandboxInfo, logger: Logger): Promise<SimulationReport['transcript']> {
  const { locationId } = info.highlevel;
  const res = await fetch(`${info.highlevel.url}/sandbox/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ locationId }),
  });
  const { accessToken } = (await res.json()) as { accessToken: string };
  const client: HighLevelClient = createHighLevelClient({
    baseUrl: info.highlevel.url,
    auth: { getAccessToken: async () => accessToken },
    logger,
  });
  const search = await client.call<{ conversations: { id: string }[] }>('search-conversation', {
    query: { locationId, limit: 100 },
    locationId,
  });
  for (const conversation of search.data.conversations) {
    const page = await client.call<GetMessagesResponse>('get-messages', {
      path: { conversationId: conversation.id },
      query: { limit: 100 },
      locationId,
    });
    const call = page.data.messages.find((m) => m.messageType === 'TYPE_CALL');
    if (!call) continue;
    const text = await client.call<string>('download-message-transcription', {
      path: { locationId, messageId: call.id },
      locationId,
    });
    return { messageId: call.id, text: String(text.data) };
  }
  return null;
}

export function formatReport(report: SimulationReport): string {
  const lines = [
    `parley simulate (${report.mode})`,
    `  attendees registered: ${report.registered}`,
    `  conversations:        ${report.conversations}`,
    `  welcome messages:     ${report.welcomeMessages}${report.timedOut ? '   (timed out waiting for the rest)' : ''}`,
    `  failures (dead jobs): ${report.deadJobs.count}`,
    ...report.deadJobs.errors.map((e) => `    - ${e}`),
    '  attendee ↔ contact ↔ conversation ↔ message (first 10):',
    ...report.links.map((l) => `    ${l.attendeeId} ↔ ${l.contactId} ↔ ${l.conversationId} ↔ ${l.messageId}`),
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

export function register(program: Command): void {
  program
    .command('simulate')
    .description('send sample registrations through the pipeline into the sandboxes and print a report')
    .requiredOption('--attendees <n>', 'how many sample attendees to register', (v) => Number(v))
    .option('--url <url>', 'a running parley (started with its sandboxes); default http://127.0.0.1:$PORT')
    .option('--timeout <seconds>', 'how long to wait for every welcome', (v) => Number(v), 120)
    .action(async (options: { attendees: number; url?: string; timeout: number }) => {
      const url = options.url ?? `http://127.0.0.1:${loadConfig(process.env).port}`;
      const report = await simulate({ attendees: options.attendees, url, timeoutMs: options.timeout * 1_000 });
      process.stdout.write(formatReport(report));
      if (report.timedOut || report.deadJobs.count > 0) process.exitCode = 1;
    });
}

/**
 * parley's HighLevel sandbox: a Fastify server that behaves like https://services.leadconnectorhq.com
 * for the Conversations API and OAuth: the default target until real credentials are connected, and the
 * fake server every test uses. It runs in-process for tests and standalone as `parley sandbox`. This
 * file wires the parts and exposes the controls; each part lives in its own file.
 */
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET } from '../../config/sandbox-credentials.js';
import { silentLogger } from '../../lib/create-logger.js';
import { createAgencyHandlers } from './agency-handlers.js';
import { API_OPERATIONS } from './api-operations.js';
import { type ContactReply, type ContactReplyInput, checkContactReply, replyAsContact } from './contact-reply.js';
import { DEFAULT_AGENCY_SCOPES, DEFAULT_LOCATION_SCOPES } from './default-scopes.js';
import { createSandboxDomain, type SandboxDomain, type SeedResult } from './domain.js';
import { createFaultInjector, type Faults, NO_FAULTS } from './fault-injector.js';
import { type IssuedToken, type IssueTokenOptions, issueSandboxToken } from './issue-token.js';
import {
  checkMarketplaceApp,
  describeMarketplaceApp,
  type MarketplaceAppSettings,
  NO_MARKETPLACE_APP,
} from './marketplace-app.js';
import { createIdGenerator, createTokenGenerator } from './random-ids.js';
import { createRateLimiter, type RateLimits } from './rate-limiter.js';
import { buildSandboxApp } from './sandbox-app.js';
import { SandboxError } from './sandbox-errors.js';
import {
  checkFaults,
  checkOptions,
  checkRateLimits,
  checkWebhookUrl,
  DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
  DEFAULT_COMPANY_ID,
  DEFAULT_LOCATION_ID,
  DEFAULT_RATE_LIMITS,
  DEFAULT_RSA_MODULUS_LENGTH,
  DEFAULT_WEBHOOK_RETRY_INTERVAL_MS,
  type HighLevelSandboxOptions,
  SANDBOX_USER_ID,
} from './sandbox-options.js';
import { createSandboxStats, type SandboxStats } from './sandbox-stats.js';
import { sandboxRequestValidator } from './sandbox-validator.js';
import { createWorkflowStore } from './state/workflow-store.js';
import { createTokenStore } from './token-store.js';
import { createWebhookDispatcher, type WebhookDelivery } from './webhook-dispatcher.js';
import { createWebhookSigner, type WebhookPublicKeys } from './webhook-signer.js';
import { createWorkflowEngine, type WorkflowEngine } from './workflow-engine.js';
import { createExecutionFaults, type ExecutionFaults } from './workflow-execute.js';

export type { ContactReply, ContactReplyInput } from './contact-reply.js';
export type { IssuedToken, IssueTokenOptions } from './issue-token.js';
export type { MarketplaceAppSettings } from './marketplace-app.js';
export type { HighLevelSandboxOptions } from './sandbox-options.js';

export interface SandboxLocation {
  id: string;
  name: string;
}

export interface HighLevelSandbox {
  app: FastifyInstance;
  /** Base URL, e.g. http://127.0.0.1:4010; throws before listen(). */
  readonly url: string;
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
  companyId: string;
  defaultLocationId: string;
  /** The Marketplace app id: the client id up to its first '-' (the rule of the official SDK's lib/HighLevel.ts). */
  appId: string;
  clientId: string;
  clientSecret: string;
  /** The domain layer, or null when `handlers` were passed in. */
  domain: SandboxDomain | null;
  locations(): SandboxLocation[];
  /** Adds a location and, with the default domain, seeds it with sample attendees. */
  addLocation(options?: { attendees?: number; name?: string }): {
    location: SandboxLocation;
    seeded: SeedResult | null;
  };
  issueToken(options?: IssueTokenOptions): IssuedToken;
  /**
   * The conversation's contact writes back (contact-reply.ts): an inbound message and its signed
   * InboundMessage webhook. Needs the default domain.
   */
  replyAsContact(input: ContactReplyInput): ContactReply;
  faults(): Faults;
  setFaults(partial: Partial<Faults>): Faults;
  rateLimits(): RateLimits;
  setRateLimits(partial: Partial<RateLimits>): RateLimits;
  webhookPublicKeys: WebhookPublicKeys;
  webhooks: { deliveries: WebhookDelivery[]; flush(): Promise<void>; setUrl(url: string | undefined): void };
  stats: SandboxStats;
  /** The workflow engine for Marketplace triggers and custom actions (workflow-engine.ts). */
  workflows: WorkflowEngine;
  /** The app's developer-portal settings: subscription URL, action URLs, static headers (marketplace-app.ts). */
  configureMarketplaceApp(partial: Partial<MarketplaceAppSettings>): ReturnType<typeof describeMarketplaceApp>;
  /** The next `count` calls to a targetUrl are answered `status` (429 or 5xx). */
  setExecutionFaults(faults: ExecutionFaults): ExecutionFaults;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export function createHighLevelSandbox(options: HighLevelSandboxOptions = {}): HighLevelSandbox {
  checkOptions(options);
  const now = options.now ?? Date.now;
  const randomBytes = options.randomBytes ?? cryptoRandomBytes;
  const newId = createIdGenerator(randomBytes);
  const logger = options.logger ?? silentLogger();
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  const clientSecret = options.clientSecret ?? DEFAULT_CLIENT_SECRET;
  const appId = clientId.split('-')[0] || clientId;
  const companyId = options.companyId ?? DEFAULT_COMPANY_ID;
  const defaultLocationId = options.defaultLocationId ?? DEFAULT_LOCATION_ID;
  const accessTokenTtlSeconds = options.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
  const retryIntervalMs = options.webhookRetryIntervalMs ?? DEFAULT_WEBHOOK_RETRY_INTERVAL_MS;
  const sleep = options.sleep ?? defaultSleep;
  let limits: RateLimits = { ...DEFAULT_RATE_LIMITS, ...checkRateLimits(pickLimits(options)) };
  let faults: Faults = { ...NO_FAULTS, ...checkFaults(options.faults ?? {}) };
  let webhookUrl = checkWebhookUrl(options.webhookUrl);
  let baseUrl: string | null = null;

  const stats = createSandboxStats();
  const tokens = createTokenStore({ now, newToken: createTokenGenerator(randomBytes) });
  const rateLimiter = createRateLimiter({ now, limits: () => limits });
  const signer = createWebhookSigner({ rsaModulusLength: options.rsaModulusLength ?? DEFAULT_RSA_MODULUS_LENGTH });
  const webhooks = createWebhookDispatcher({
    url: () => webhookUrl,
    appId,
    signer,
    fetch: options.fetch ?? globalThis.fetch,
    now,
    sleep,
    retryIntervalMs: () => retryIntervalMs,
    logger,
  });
  const context = { now, newId, emit: webhooks.emit };
  const domain = options.handlers
    ? null
    : createSandboxDomain({ now, newId, emit: webhooks.emit, messagesShape: options.messagesShape ?? 'wrapped' });
  const locations = new Map<string, SandboxLocation>([
    [defaultLocationId, { id: defaultLocationId, name: 'Sandbox Events (sample)' }],
  ]);
  const listLocations = () => [...locations.values()];
  let marketplaceApp: MarketplaceAppSettings = {
    ...NO_MARKETPLACE_APP,
    ...checkMarketplaceApp(options.marketplaceApp ?? {}),
  };
  const executionFaults = createExecutionFaults();
  const workflows = createWorkflowEngine({
    store: createWorkflowStore(),
    app: () => marketplaceApp,
    fetch: options.fetch ?? globalThis.fetch,
    now,
    newId,
    companyId,
    hasLocation: (id) => locations.has(id),
    baseUrl: () => sandbox.url,
    logger,
  });
  const configureMarketplaceApp = (partial: unknown) => {
    marketplaceApp = { ...marketplaceApp, ...checkMarketplaceApp(partial) };
    return describeMarketplaceApp(marketplaceApp);
  };
  const appConfig = () => ({ clientId, clientSecret, appId, accessTokenTtlSeconds });
  const agencyHandlers = createAgencyHandlers({
    tokens,
    stats,
    locations: listLocations,
    app: appConfig,
    userId: SANDBOX_USER_ID,
  });
  const faultInjector = createFaultInjector({
    faults: () => faults,
    random: options.random ?? Math.random,
    sleep,
    stats,
  });

  const sandbox: HighLevelSandbox = {
    app: undefined as unknown as FastifyInstance,
    get url() {
      if (baseUrl === null) throw new SandboxError('not_listening', 'The sandbox has no URL until listen() resolves');
      return baseUrl;
    },
    async listen(port = 0, host = '127.0.0.1') {
      await sandbox.app.listen({ port, host });
      const address = sandbox.app.server.address() as AddressInfo;
      const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
      baseUrl = `http://${shownHost}:${address.port}`;
      return baseUrl;
    },
    async close() {
      webhooks.close();
      await sandbox.app.close();
    },
    companyId,
    defaultLocationId,
    appId,
    clientId,
    clientSecret,
    domain,
    locations: listLocations,
    addLocation(opts = {}) {
      const location = { id: newId(), name: opts.name ?? `Sandbox location ${locations.size + 1}` };
      locations.set(location.id, location);
      return {
        location,
        seeded: domain ? domain.seedLocation(location.id, { attendees: opts.attendees ?? 10 }) : null,
      };
    },
    issueToken: (opts = {}) =>
      issueSandboxToken(opts, {
        tokens,
        appId,
        clientId,
        companyId,
        defaultLocationId,
        userId: SANDBOX_USER_ID,
        accessTokenTtlSeconds,
        locations,
      }),
    replyAsContact(input) {
      if (!domain)
        throw new SandboxError('invalid_option', 'replyAsContact needs the default domain (no custom handlers)');
      return replyAsContact(domain.state, context, checkContactReply(input));
    },
    faults: () => ({ ...faults }),
    setFaults(partial) {
      faults = { ...faults, ...checkFaults(partial) };
      return { ...faults };
    },
    rateLimits: () => ({ ...limits }),
    setRateLimits(partial) {
      limits = { ...limits, ...checkRateLimits(partial) };
      return { ...limits };
    },
    webhookPublicKeys: signer.publicKeys,
    webhooks: {
      deliveries: webhooks.deliveries,
      flush: () => webhooks.flush(),
      setUrl(url) {
        webhookUrl = checkWebhookUrl(url);
      },
    },
    stats,
    workflows,
    configureMarketplaceApp,
    setExecutionFaults: (faults) => executionFaults.set(faults),
  };

  sandbox.app = buildSandboxApp({
    logger,
    api: {
      operations: API_OPERATIONS,
      handlers: { ...(options.handlers ?? domain?.handlers ?? {}), ...agencyHandlers },
      validator: sandboxRequestValidator(),
      tokens,
      rateLimiter,
      context,
      stats,
      logger,
    },
    tokenEndpoint: { tokens, validator: sandboxRequestValidator(), stats, app: appConfig, userId: SANDBOX_USER_ID },
    consent: { tokens, clientId: () => clientId, companyId, locations: listLocations },
    admin: {
      info: () => ({
        baseUrl,
        companyId,
        defaultLocationId,
        appId,
        clientId,
        locations: listLocations(),
        limits,
        faults,
        webhookUrl: webhookUrl ?? null,
        oauth: baseUrl
          ? { authorizeUrl: `${baseUrl}/v2/oauth/chooselocation`, tokenUrl: `${baseUrl}/oauth/token` }
          : null,
        defaultScopes: { location: DEFAULT_LOCATION_SCOPES, agency: DEFAULT_AGENCY_SCOPES },
        marketplaceApp: describeMarketplaceApp(marketplaceApp),
        stats,
      }),
      issueToken: (body) => sandbox.issueToken(body),
      setFaults: (body) => sandbox.setFaults(body),
      setRateLimits: (body) => sandbox.setRateLimits(body),
      addLocation: (body) => sandbox.addLocation(body),
      replyAsContact: (body) => sandbox.replyAsContact(body),
      webhookPublicKeys: signer.publicKeys,
    },
    workflows: {
      controls: {
        engine: workflows,
        faults: executionFaults,
        marketplaceApp: () => describeMarketplaceApp(marketplaceApp),
        configureMarketplaceApp,
      },
      execute: { engine: workflows, tokens, faults: executionFaults },
    },
    faults: faultInjector,
    onClose: () => {
      webhooks.close();
      faultInjector.releaseHungRequests();
    },
  });
  return sandbox;
}

function pickLimits(options: HighLevelSandboxOptions): Partial<RateLimits> {
  const out: Partial<RateLimits> = {};
  if (options.burstLimit !== undefined) out.burstLimit = options.burstLimit;
  if (options.burstIntervalMs !== undefined) out.burstIntervalMs = options.burstIntervalMs;
  if (options.dailyLimit !== undefined) out.dailyLimit = options.dailyLimit;
  return out;
}

/** Creates the sandbox, seeds its sample location (with the default domain) and listens. */
export async function startHighLevelSandbox(
  options: HighLevelSandboxOptions & { port?: number; host?: string; attendees?: number } = {},
): Promise<HighLevelSandbox> {
  const sandbox = createHighLevelSandbox(options);
  sandbox.domain?.seedLocation(sandbox.defaultLocationId, { attendees: options.attendees ?? 10 });
  await sandbox.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return sandbox;
}

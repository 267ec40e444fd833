/**
 * parley's Accelevents sandbox: a Fastify server that behaves like https://api.accelevents.com/rest for
 * the calls parley makes (events, attendees with paging, orders, holder data, sessions and their
 * attendance, check-in), with the configurable auth header quirk and webhooks in a configurable shape.
 * It is the default target until real credentials are connected, and the fake server every test uses.
 * It runs in-process for tests and standalone as `parley accelevents-sandbox`. Each part lives in its own file.
 */
import { randomInt as cryptoRandomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { AcceleventsAuthPreset } from '../../accelevents/auth-presets.js';
import { silentLogger } from '../../lib/create-logger.js';
import { SandboxError } from '../highlevel/sandbox-errors.js';
import { ADMIN_PREFIX, registerAdminRoutes } from './admin-routes.js';
import { registerApiRoutes } from './api-routes.js';
import { createKeyCheck } from './authenticate.js';
import { createFaultQueue, type ScriptedFault } from './fault-queue.js';
import type { SandboxRole, SandboxSession } from './sample-events.js';
import { createIdSource } from './sandbox-ids.js';
import {
  type AcceleventsSandboxOptions,
  type AttendeesArrayKey,
  checkArrayKey,
  checkFlag,
  checkOptions,
  checkPresets,
  checkWebhookUrl,
  DEFAULT_READ_AUTH,
  DEFAULT_SANDBOX_API_KEY,
  DEFAULT_WRITE_AUTH,
} from './sandbox-options.js';
import {
  type AcceleventsSandboxState,
  type AnnounceExtra,
  createSandboxState,
  type SandboxTicket,
} from './sandbox-state.js';
import { type AcceleventsWebhookDelivery, createWebhookDispatcher } from './webhook-dispatcher.js';
import { factsOf } from './webhook-facts.js';
import {
  type AcceleventsWebhookTopic,
  isTopic,
  PAYLOAD_SHAPES,
  type PayloadShape,
  type PayloadShapeName,
  WEBHOOK_TOPICS,
} from './webhook-payloads.js';

export type { AcceleventsSandboxOptions } from './sandbox-options.js';

export interface SandboxSettings {
  readAuth?: AcceleventsAuthPreset | AcceleventsAuthPreset[];
  writeAuth?: AcceleventsAuthPreset | AcceleventsAuthPreset[];
  attendeesArrayKey?: AttendeesArrayKey;
  webhookUrl?: string | null;
  payloadShape?: PayloadShapeName | PayloadShape;
  sessionAttendance?: boolean;
}

export interface AcceleventsSandbox {
  app: FastifyInstance;
  /** The REST base URL, e.g. http://127.0.0.1:4011/rest: what a client's `baseUrl` is set to. */
  url: string;
  /** Scheme, host and port; the control routes are at `${origin}/sandbox/accelevents/*`. */
  origin: string;
  apiKey: string;
  state: AcceleventsSandboxState;
  /** Sends a webhook about an existing ticket holder now; `session.checked_in` also needs the session's id. */
  emit(
    topic: AcceleventsWebhookTopic,
    subject: { eventUrl: string; barcode: string; sessionId?: number },
  ): AcceleventsWebhookDelivery;
  deliveries: AcceleventsWebhookDelivery[];
  /** Resolves when every delivery in flight has finished. */
  flush(): Promise<void>;
  /** The next request(s) to the REST routes fail as scripted. */
  failNext(fault: ScriptedFault): void;
  configure(settings: SandboxSettings): void;
  setAccess(access: { planEnabled?: boolean; eventUrl?: string; role?: SandboxRole }): void;
  close(): Promise<void>;
}

function shapeOf(value: unknown): PayloadShape {
  if (typeof value === 'function') return value as PayloadShape;
  if (value === 'flat' || value === 'nested') return PAYLOAD_SHAPES[value];
  throw new SandboxError(
    'invalid_option',
    `payloadShape must be "flat", "nested" or a function; got ${JSON.stringify(value)}`,
  );
}

function wholeSessionId(value: unknown): number {
  if (!Number.isInteger(value)) throw new SandboxError('invalid_option', 'sessionId must be a whole number');
  return value as number;
}

/** A session as the control routes answer it: times as ISO instants, so a caller need not know the zone. */
function sessionView(s: SandboxSession): Record<string, unknown> {
  return { ...s, startsAt: new Date(s.startsAt).toISOString(), endsAt: new Date(s.endsAt).toISOString() };
}

export async function startAcceleventsSandbox(options: AcceleventsSandboxOptions = {}): Promise<AcceleventsSandbox> {
  checkOptions(options);
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger();
  const apiKey = options.apiKey ?? DEFAULT_SANDBOX_API_KEY;
  let readAuth = checkPresets('readAuth', options.readAuth, DEFAULT_READ_AUTH);
  let writeAuth = checkPresets('writeAuth', options.writeAuth, DEFAULT_WRITE_AUTH);
  let arrayKey = checkArrayKey(options.attendeesArrayKey);
  let webhookUrl = checkWebhookUrl(options.webhookUrl);
  let payloadShape = shapeOf(options.payloadShape ?? 'flat');
  let sessionAttendance = checkFlag('sessionAttendance', options.sessionAttendance, true);

  const dispatcher = createWebhookDispatcher({
    url: () => webhookUrl,
    fetch: options.fetch ?? globalThis.fetch,
    now,
    logger,
  });
  const faults = createFaultQueue();
  const emitFor = (topic: AcceleventsWebhookTopic, ticket: SandboxTicket, extra?: AnnounceExtra) => {
    const facts = factsOf(topic, ticket, state, now(), extra);
    const barcodes = facts.holders?.map((h) => h.barcode) ?? [ticket.barcode];
    return dispatcher.send(topic, { eventUrl: ticket.eventUrl, barcodes }, payloadShape(facts));
  };
  const state = createSandboxState({
    now,
    newId: createIdSource(options.randomInt ?? cryptoRandomInt),
    attendeesPerEvent: options.attendees ?? 10,
    announce: emitFor,
  });

  const app: FastifyInstance = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.addHook('preClose', async () => faults.releaseHung());

  const sandbox: AcceleventsSandbox = {
    app,
    url: '',
    origin: '',
    apiKey,
    state,
    emit(topic, subject) {
      if (!isTopic(topic))
        throw new SandboxError(
          'invalid_option',
          `topic must be one of ${WEBHOOK_TOPICS.join(', ')}; got ${JSON.stringify(topic)}`,
        );
      const eventUrl = String(subject?.eventUrl);
      const ticket = state.ticket(eventUrl, String(subject?.barcode));
      if (topic !== 'session.checked_in') return emitFor(topic, ticket);
      const session = state.event(eventUrl).sessions.find((s) => s.sessionId === subject?.sessionId);
      if (!session) {
        throw new SandboxError('invalid_option', `sessionId must be the id of a session of ${eventUrl}`);
      }
      return emitFor(topic, ticket, { session });
    },
    deliveries: dispatcher.deliveries,
    flush: () => dispatcher.flush(),
    failNext: (fault) => faults.failNext(fault),
    configure(settings) {
      if (settings.readAuth !== undefined) readAuth = checkPresets('readAuth', settings.readAuth, DEFAULT_READ_AUTH);
      if (settings.writeAuth !== undefined)
        writeAuth = checkPresets('writeAuth', settings.writeAuth, DEFAULT_WRITE_AUTH);
      if (settings.attendeesArrayKey !== undefined) arrayKey = checkArrayKey(settings.attendeesArrayKey);
      if (settings.webhookUrl !== undefined) webhookUrl = checkWebhookUrl(settings.webhookUrl);
      if (settings.payloadShape !== undefined) payloadShape = shapeOf(settings.payloadShape);
      if (settings.sessionAttendance !== undefined) {
        sessionAttendance = checkFlag('sessionAttendance', settings.sessionAttendance, true);
      }
    },
    setAccess(access) {
      if (access.planEnabled !== undefined) {
        if (typeof access.planEnabled !== 'boolean')
          throw new SandboxError('invalid_option', 'planEnabled must be true or false');
        state.access.planEnabled = access.planEnabled;
      }
      if (access.role !== undefined) {
        if (!['host', 'staff', 'none'].includes(access.role))
          throw new SandboxError('invalid_option', 'role must be host, staff or none');
        state.access.roles.set(state.event(String(access.eventUrl)).eventUrl, access.role);
      }
    },
    async close() {
      await app.close();
    },
  };

  app.register(
    async (api) => {
      api.addHook('onRequest', faults.onRequest);
      registerApiRoutes(api, {
        state,
        accepts: createKeyCheck(() => apiKey),
        readAuth: () => readAuth,
        writeAuth: () => writeAuth,
        attendeesArrayKey: () => arrayKey,
        sessionAttendance: () => sessionAttendance,
      });
    },
    { prefix: '/rest' },
  );
  registerAdminRoutes(app, {
    info: () => ({
      url: sandbox.url,
      apiKey,
      readAuth,
      writeAuth,
      attendeesArrayKey: arrayKey,
      webhookUrl: webhookUrl ?? null,
      sessionAttendance,
      access: { planEnabled: state.access.planEnabled, roles: Object.fromEntries(state.access.roles) },
      events: state.events().map((e) => ({
        eventId: e.eventId,
        eventUrl: e.eventUrl,
        eventName: e.eventName,
        attendees: state.tickets(e.eventUrl).length,
      })),
      faultsInjected: faults.injected,
    }),
    register: (body) => {
      const { order, ticket } = state.register(body);
      return { orderId: order.orderId, barcode: ticket.barcode, eventTicketingId: ticket.eventTicketingId };
    },
    placeOrder: (body) => {
      const { order, tickets } = state.placeOrder(body);
      return {
        orderId: order.orderId,
        tickets: tickets.map((t) => ({ barcode: t.barcode, eventTicketingId: t.eventTicketingId, email: t.email })),
      };
    },
    changeTicketStatus: (body) => state.changeTicketStatus(String(body.eventUrl), String(body.barcode), body.status),
    checkInSession: (body) => {
      if (!Number.isInteger(body.sessionId))
        throw new SandboxError('invalid_option', 'sessionId must be a whole number');
      const { ticket, session } = state.checkInSession(String(body.eventUrl), String(body.barcode), body.sessionId);
      return { ticket, session: { sessionId: session.sessionId, title: session.title } };
    },
    addSession: (body) => sessionView(state.addSession(String(body.eventUrl), body)),
    registerForSession: (body) => {
      const { barcode, sessionRegistrations } = state.registerForSession(
        String(body.eventUrl),
        String(body.barcode),
        wholeSessionId(body.sessionId),
      );
      return { barcode, sessionRegistrations };
    },
    setSessionRecording: (body) =>
      sessionView(
        state.setSessionRecording(String(body.eventUrl), wholeSessionId(body.sessionId), body.recordingUrl ?? null),
      ),
    checkIn: (body) => {
      if (body.checkIn !== undefined && typeof body.checkIn !== 'boolean') {
        throw new SandboxError('invalid_option', 'checkIn must be true or false');
      }
      return state.checkIn(String(body.eventUrl), String(body.barcode), body.checkIn ?? true);
    },
    emit: (body) => sandbox.emit(body.topic, body),
    deliveries: () => dispatcher.deliveries,
    failNext: (body) => sandbox.failNext(body),
    setAccess: (body) => sandbox.setAccess(body),
    configure: (body) => sandbox.configure(body),
  });

  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const { port } = app.server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  sandbox.origin = `http://${shownHost}:${port}`;
  sandbox.url = `${sandbox.origin}/rest`;
  return sandbox;
}

export { ADMIN_PREFIX };

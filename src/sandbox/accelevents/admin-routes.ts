/**
 * /sandbox/accelevents/* control routes: no key, no faults. Each calls the same control the in-process
 * sandbox object exposes, so HTTP and code share one set of checks; a bad field answers 400 naming it.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { SandboxError } from '../highlevel/sandbox-errors.js';
import { ApiFailure } from './api-failure.js';

export interface AdminControls {
  info(): unknown;
  register(body: any): unknown;
  placeOrder(body: any): unknown;
  checkIn(body: any): unknown;
  changeTicketStatus(body: any): unknown;
  checkInSession(body: any): unknown;
  addSession(body: any): unknown;
  registerForSession(body: any): unknown;
  setSessionRecording(body: any): unknown;
  emit(body: any): unknown;
  deliveries(): unknown;
  failNext(body: any): unknown;
  setAccess(body: any): unknown;
  configure(body: any): unknown;
}

export const ADMIN_PREFIX = '/sandbox/accelevents';

export function registerAdminRoutes(app: FastifyInstance, controls: AdminControls): void {
  const run = (action: (body: any) => unknown) => async (request: { body: unknown }, reply: FastifyReply) => {
    const body = request.body ?? {};
    if (typeof body !== 'object' || Array.isArray(body))
      return reply.code(400).send({ message: 'body must be a JSON object' });
    try {
      return reply.send(action(body) ?? { ok: true });
    } catch (error) {
      if (error instanceof SandboxError) return reply.code(400).send({ message: error.message });
      if (error instanceof ApiFailure) return reply.code(error.status).send(error.body());
      throw error;
    }
  };

  app.get(`${ADMIN_PREFIX}/info`, async () => controls.info());
  app.get(`${ADMIN_PREFIX}/deliveries`, async () => controls.deliveries());
  app.post(`${ADMIN_PREFIX}/attendees`, run(controls.register));
  app.post(`${ADMIN_PREFIX}/orders`, run(controls.placeOrder));
  app.post(`${ADMIN_PREFIX}/checkins`, run(controls.checkIn));
  app.post(`${ADMIN_PREFIX}/ticket-status`, run(controls.changeTicketStatus));
  app.post(`${ADMIN_PREFIX}/session-checkins`, run(controls.checkInSession));
  app.post(`${ADMIN_PREFIX}/sessions`, run(controls.addSession));
  app.post(`${ADMIN_PREFIX}/session-registrations`, run(controls.registerForSession));
  app.post(`${ADMIN_PREFIX}/session-recordings`, run(controls.setSessionRecording));
  app.post(`${ADMIN_PREFIX}/webhooks`, run(controls.emit));
  app.post(`${ADMIN_PREFIX}/faults`, run(controls.failNext));
  app.post(`${ADMIN_PREFIX}/access`, run(controls.setAccess));
  app.post(`${ADMIN_PREFIX}/settings`, run(controls.configure));
}

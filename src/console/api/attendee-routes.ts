/**
 * GET /api/attendees/{id}: an attendee's links and preference answers (src/console/attendees/).
 * Every role reads; a sponsor only attendees in a conversation of their sponsor channel.
 */
import type { FastifyInstance } from 'fastify';
import { attendeeParamsSchema, attendeeSchema } from '../attendees/attendee-schemas.js';
import { getAttendeeForCaller } from '../attendees/read-attendee.js';
import type { ConsoleDeps } from '../console-deps.js';
import { apiRoute } from './api-route.js';

const READERS = ['viewer', 'agent', 'sponsor', 'admin'] as const;

export function registerAttendeeRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  apiRoute(app, {
    method: 'GET',
    url: '/api/attendees/:id',
    roles: READERS,
    tag: 'Attendees',
    summary:
      'An attendee by Accelevents attendee id or HighLevel contact id: links (event, contact, conversation) and preference answers (value, raw answer, answered at)',
    schema: { params: attendeeParamsSchema, response: { 200: attendeeSchema } },
    handler: (request, _reply, caller) => getAttendeeForCaller(deps, caller, (request.params as { id: string }).id),
  });
}

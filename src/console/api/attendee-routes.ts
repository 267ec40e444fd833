/**
 * GET /api/attendees/{id}: an attendee's links and preference answers (src/console/attendees/).
 * Every role reads; a sponsor only attendees in a conversation of their sponsor channel.
 * DELETE /api/notes/{noteId}: agents and admins delete a note a HighLevel workflow added (sponsors see none).
 */
import type { FastifyInstance } from 'fastify';
import { attendeeParamsSchema, attendeeSchema } from '../attendees/attendee-schemas.js';
import { deleteNote, NOTE_EDITORS } from '../attendees/delete-note.js';
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

  apiRoute(app, {
    method: 'DELETE',
    url: '/api/notes/:noteId',
    roles: NOTE_EDITORS,
    tag: 'Attendees',
    summary:
      'Deletes a note a HighLevel workflow added to an attendee (parley_add_note); the admin change log keeps who deleted it and what it said',
    schema: {
      params: {
        type: 'object',
        required: ['noteId'],
        additionalProperties: false,
        properties: { noteId: { type: 'string', minLength: 1, maxLength: 100 } },
      },
      response: {
        200: {
          type: 'object',
          required: ['deleted', 'id'],
          properties: { deleted: { type: 'boolean', const: true }, id: { type: 'string' } },
        },
      },
    },
    handler: (request, _reply, caller) =>
      deleteNote(deps.db, (request.params as { noteId: string }).noteId, { actor: caller.email, at: deps.now() }),
  });
}

/**
 * The payload mapping API, admin only (cookie callers send x-csrf-token on changes):
 *   GET  /api/admin/mapping           the config file's mapping, the saved overrides, the effective result
 *   PUT  /api/admin/mapping           save the overrides (the whole document)
 *   POST /api/admin/mapping/preview   a stored delivery mapped with the effective or a proposed mapping
 * Reprocessing the deliveries a change affects is POST /api/admin/deliveries/reprocess with their ids.
 * The mapping's own rules check the document (src/intake/saved-mapping.ts), so the body schemas here
 * only describe it: an error names the field as the config loader would.
 */
import type { FastifyInstance } from 'fastify';
import { INTAKE_TOPICS, MAPPED_FIELDS } from '../../intake/webhook-vocabulary.js';
import { recordChange } from '../admin/change-log.js';
import {
  getMappingView,
  type PreviewRequest,
  previewMappingFromConsole,
  saveMappingFromConsole,
} from '../admin/mapping.js';
import type { ConsoleDeps } from '../console-deps.js';
import { apiRoute } from './api-route.js';

const ADMIN = ['admin'] as const;
const TAG = 'admin';

const mappingDocument = {
  type: 'object',
  description:
    'Overrides on top of accelevents.webhook in the config file. Each field’s paths are tried before the file’s; aliases are added to the file’s.',
  properties: {
    fields: {
      description: `Candidate JSON paths per field (${MAPPED_FIELDS.join(', ')}), e.g. { "email": ["buyer.contact.mail"] }.`,
    },
    topic: {
      description: `{ paths: where the topic is, tried first; aliases: raw topic → ${INTAKE_TOPICS.join(' | ')} }.`,
    },
  },
} as const;

export function registerMappingRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const mappingDeps = () => ({
    db: deps.db,
    webhook: deps.config.accelevents.webhook,
    logger: deps.logger,
    now: deps.now,
  });

  apiRoute(app, {
    method: 'GET',
    url: '/api/admin/mapping',
    roles: ADMIN,
    tag: TAG,
    summary:
      'The Accelevents payload mapping: base (the config file’s, defaults filled in), saved (the console’s overrides), effective, and the ignored deliveries it would now accept (affected)',
    handler: async () => getMappingView(mappingDeps()),
  });

  apiRoute(app, {
    method: 'PUT',
    url: '/api/admin/mapping',
    roles: ADMIN,
    tag: TAG,
    summary:
      'Save the mapping overrides (replacing the saved ones); every process applies them within seconds. Answers like GET, with the ignored deliveries now accepted under affected.ids',
    schema: { body: mappingDocument },
    handler: async (request, _reply, caller) => {
      const saved = await saveMappingFromConsole(mappingDeps(), request.body, caller);
      await recordChange(deps.db, { at: deps.now(), actor: caller.email, action: 'mapping.saved', target: 'mapping' });
      return saved;
    },
  });

  apiRoute(app, {
    method: 'POST',
    url: '/api/admin/mapping/preview',
    roles: ADMIN,
    tag: TAG,
    summary:
      'Map a stored Accelevents delivery with the effective mapping, or with a proposed one (mapping): its record, each person’s fields and topic with the path each came from, and whether intake would accept it or keep it ignored (and why). Changes nothing',
    schema: {
      body: {
        type: 'object',
        required: ['deliveryId'],
        additionalProperties: false,
        properties: {
          deliveryId: { type: 'string', minLength: 1 },
          mapping: { ...mappingDocument, description: `Proposed overrides. ${mappingDocument.description}` },
        },
      },
    },
    handler: async (request) => previewMappingFromConsole(mappingDeps(), request.body as PreviewRequest),
  });
}

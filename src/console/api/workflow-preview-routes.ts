/**
 * POST /api/workflows/preview, admin only: a draft's message templates, its send steps' messages and
 * its choice question's texts rendered against a trigger sample with the real template engine
 * (src/console/studio/template-preview.ts), with an SMS's length and segments and an email's subject.
 * The studio's editor calls it as the organizer types; nothing is saved, sent or run.
 */
import type { FastifyInstance } from 'fastify';
import { createTemplateEngine } from '../../lib/template-engine.js';
import { type PreviewRequest, previewTemplates } from '../studio/template-preview.js';
import { apiRoute } from './api-route.js';

const openObject = { type: 'object', additionalProperties: true } as const;

const bodySchema = {
  type: 'object',
  required: ['definition'],
  additionalProperties: false,
  properties: {
    definition: {
      ...openObject,
      description:
        'The draft workflow as the editor holds it (it need not be valid yet): trigger, templates, steps and question are read.',
    },
    sample: {
      type: 'string',
      minLength: 1,
      description: 'One of the trigger’s samples (GET /api/catalog); default its first.',
    },
    data: { ...openObject, description: 'Run data to render against instead of a sample (attendee, event, …).' },
    texts: {
      type: 'object',
      additionalProperties: { type: 'string', maxLength: 100_000 },
      description: 'More texts to render beside the templates, by a name of your choice.',
    },
  },
} as const;

const errorSchema = {
  type: 'object',
  nullable: true,
  required: ['message'],
  properties: {
    message: { type: 'string' },
    line: { type: 'integer', description: 'Inside the text, when it does not parse.' },
    col: { type: 'integer' },
  },
} as const;

const smsSchema = {
  type: 'object',
  nullable: true,
  required: ['encoding', 'characters', 'units', 'segments', 'perSegment'],
  description: 'The text as an SMS: GSM-7 (160, or 153 per segment) or UCS-2 (70, or 67 per segment).',
  properties: {
    encoding: { type: 'string', enum: ['GSM-7', 'UCS-2'] },
    characters: { type: 'integer' },
    units: { type: 'integer', description: 'Septets (GSM-7) or UTF-16 units (UCS-2), what the limits count.' },
    segments: { type: 'integer' },
    perSegment: { type: 'integer' },
  },
} as const;

const rendered = {
  text: { type: 'string', nullable: true, description: 'Null when it could not render (see error).' },
  error: errorSchema,
} as const;

const renderedSchema = { type: 'object', nullable: true, required: ['text', 'error'], properties: rendered } as const;
const renderedWithSms = {
  type: 'object',
  nullable: true,
  required: ['text', 'error', 'sms'],
  properties: { ...rendered, sms: smsSchema },
} as const;

export const previewResponseSchema = {
  type: 'object',
  required: ['trigger', 'sample', 'data', 'templates', 'messages', 'texts', 'question'],
  properties: {
    trigger: { type: 'string' },
    sample: { type: 'string', nullable: true, description: 'The sample rendered against; null for data given.' },
    data: { ...openObject, description: 'The run data the texts were rendered against.' },
    templates: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'text', 'error', 'channels', 'sms'],
        properties: {
          name: { type: 'string' },
          ...rendered,
          channels: {
            type: 'array',
            items: { type: 'string' },
            description: 'Channels of the send steps whose message uses it, for this sample.',
          },
          sms: { ...smsSchema, description: 'Its length as an SMS, when an SMS uses it or no message does yet.' },
        },
      },
    },
    messages: {
      type: 'array',
      description: 'Each send step’s message as this sample would get it.',
      items: {
        type: 'object',
        required: ['step', 'channel', 'subject', 'body', 'sms'],
        properties: {
          step: { type: 'string' },
          channel: { type: 'string', nullable: true },
          subject: { ...renderedSchema, description: 'Email only.' },
          body: renderedSchema,
          sms: smsSchema,
        },
      },
    },
    texts: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'text', 'error', 'sms'],
        properties: { name: { type: 'string' }, ...rendered, sms: smsSchema },
      },
    },
    question: {
      type: 'object',
      nullable: true,
      required: ['error', 'prompt', 'choices', 'confirm', 'reask'],
      description: 'The choice question’s texts (the confirmation for its first option); null without a question.',
      properties: {
        error: { type: 'string', nullable: true, description: 'Why the question cannot be previewed yet.' },
        prompt: { type: 'string', nullable: true },
        choices: { type: 'string', nullable: true, description: 'e.g. "1 for keynote updates, 2 for …".' },
        confirm: renderedWithSms,
        reask: renderedWithSms,
      },
    },
  },
} as const;

export function registerWorkflowPreviewRoutes(app: FastifyInstance): void {
  const engine = createTemplateEngine();
  apiRoute(app, {
    method: 'POST',
    url: '/api/workflows/preview',
    roles: ['admin'],
    tag: 'Workflows',
    summary:
      'Render a draft’s message templates, send steps and question texts against a trigger sample, with SMS length and segments and email subjects; broken templates answer their error in place',
    schema: { body: bodySchema, response: { 200: previewResponseSchema } },
    handler: async (request) => previewTemplates(engine, request.body as PreviewRequest),
  });
}

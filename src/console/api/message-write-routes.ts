/** The console API's replies, inbound messages, attachments, status, cancel, conversation update and delete (writes). Placeholder: filled in by the engineer who owns this file. */
import type { FastifyInstance } from 'fastify';
import type { ConsoleDeps } from '../console-deps.js';

export function registerMessageWriteRoutes(_app: FastifyInstance, _deps: ConsoleDeps): void {}

/** The console API's search, conversations, messages, transcripts, recordings (reads). Placeholder: filled in by the engineer who owns this file. */
import type { FastifyInstance } from 'fastify';
import type { ConsoleDeps } from '../console-deps.js';

export function registerConversationReadRoutes(_app: FastifyInstance, _deps: ConsoleDeps): void {}

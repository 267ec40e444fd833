/** The console API's admin: connections, workflows, runs, dead letters, rate budget, audit log. Placeholder: filled in by the engineer who owns this file. */
import type { FastifyInstance } from 'fastify';
import type { ConsoleDeps } from '../console-deps.js';

export function registerAdminRoutes(_app: FastifyInstance, _deps: ConsoleDeps): void {}

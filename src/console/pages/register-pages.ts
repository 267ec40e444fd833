/** The console's server-rendered pages under /console. Placeholder: filled in by the engineer who owns this file. */
import type { FastifyInstance } from 'fastify';
import type { ConsoleDeps } from '../console-deps.js';

export function registerConsolePages(_app: FastifyInstance, _deps: ConsoleDeps): void {}

/**
 * GET /console/admin/runs/:runId: one workflow run with its journaled steps (run-history.ts getRun),
 * for admins; the attendee panel of a thread links here. The run's input and step outputs are the
 * attendee data the runner journaled, shown as JSON (escaped like all page output).
 */
import type { FastifyInstance } from 'fastify';
import { getRun } from '../admin/run-history.js';
import type { ConsoleDeps } from '../console-deps.js';
import { pageCaller, sendErrorPage } from './error-page.js';
import { requirePageRole } from './page-auth.js';
import { sendPage } from './render-page.js';

export function registerRunPage(app: FastifyInstance, deps: Pick<ConsoleDeps, 'db'>): void {
  app.get<{ Params: { runId: string } }>(
    '/console/admin/runs/:runId',
    { preHandler: requirePageRole('admin') },
    async (request, reply) => {
      const caller = pageCaller(request);
      try {
        const run = await getRun(deps.db, request.params.runId);
        return await sendPage(reply, 'admin-run', caller, {
          title: `Run of ${run.workflow}`,
          nav: 'admin-runs',
          run: {
            ...run,
            inputText: JSON.stringify(run.input, null, 2),
            steps: run.steps.map((step) => ({
              ...step,
              outputText: step.output === null ? null : JSON.stringify(step.output, null, 2),
            })),
          },
        });
      } catch (error) {
        return sendErrorPage(request, reply, caller, error);
      }
    },
  );
}

/**
 * GET /console/admin/runs/:runId: one workflow run with its journaled steps (run-history.ts getRun),
 * for admins; the attendee panel of a thread links here. The run's input and each step's input and
 * output are the attendee data the runner journaled, shown as JSON (escaped like all page output).
 * A failed run offers a retry (POST /api/admin/runs/:runId/retry, src/console/admin/run-retry.ts).
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
              inputText: step.input === null ? null : JSON.stringify(step.input, null, 2),
              outputText: step.output === null ? null : JSON.stringify(step.output, null, 2),
              durationText: step.durationMs === null ? null : durationText(step.durationMs),
            })),
          },
        });
      } catch (error) {
        return sendErrorPage(request, reply, caller, error);
      }
    },
  );
}

/** 850 ms, 2.4 s, 3 min 5 s. */
export function durationText(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/**
 * The routes HighLevel's workflow builder calls for parley's custom actions, all JSON on the public
 * server, each behind the marketplace guard (secret header, then an installed location):
 * - `POST /marketplace/actions/:actionKey`: runs the action, answers its outputs and `branchId`;
 * - `GET /marketplace/options/:name`: `{ options: [{ label, value }] }` (action-options.ts);
 * - `POST /marketplace/fields/:actionKey`: `{ inputs: [...] }` (dynamic-fields.ts).
 * Errors answer `{ error: { code, message } }` with the status of the code (action-error.ts).
 */
import type { FastifyInstance, FastifyReply, preHandlerHookHandler } from 'fastify';
import type { MarketplaceActionDeps } from './action-deps.js';
import { MarketplaceActionError } from './action-error.js';
import { createOptionsService } from './action-options.js';
import { parseActionRequest } from './action-request.js';
import { createActionServices } from './action-services.js';
import { dynamicFieldsOf } from './dynamic-fields.js';
import { actionKeyOf, runMarketplaceAction } from './run-action.js';

export const ACTIONS_PATH = '/marketplace/actions/:actionKey';
export const OPTIONS_PATH = '/marketplace/options/:name';
export const FIELDS_PATH = '/marketplace/fields/:actionKey';

export interface ActionRouteOptions {
  /** The marketplace guard (and anything else that must run first), in order. */
  preHandler?: preHandlerHookHandler | preHandlerHookHandler[];
}

async function answer(reply: FastifyReply, work: () => Promise<unknown>) {
  try {
    return reply.send(await work());
  } catch (error) {
    if (!(error instanceof MarketplaceActionError)) throw error;
    return reply.code(error.status).send({ error: { code: error.code, message: error.message } });
  }
}

export function registerMarketplaceActionRoutes(
  app: FastifyInstance,
  deps: MarketplaceActionDeps,
  options: ActionRouteOptions = {},
): void {
  const services = createActionServices(deps);
  const optionLists = createOptionsService(services);
  const preHandler = options.preHandler ?? [];
  type Keyed = { Params: { actionKey: string } };

  app.post<Keyed>(ACTIONS_PATH, { preHandler }, (request, reply) =>
    answer(reply, () => runMarketplaceAction(services, request.params.actionKey, request.body)),
  );
  app.get<{ Params: { name: string }; Querystring: Record<string, unknown> }>(
    OPTIONS_PATH,
    { preHandler },
    (request, reply) => answer(reply, () => optionLists.list(request.params.name, request.query ?? {})),
  );
  app.post<Keyed>(FIELDS_PATH, { preHandler }, (request, reply) =>
    answer(reply, async () => dynamicFieldsOf(actionKeyOf(request.params.actionKey), parseActionRequest(request.body))),
  );
}

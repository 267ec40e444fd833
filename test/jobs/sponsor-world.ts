/**
 * The sponsor channel end to end, for the pipeline and browser tests: the real console (test/helpers/
 * console-app.ts) over the HighLevel sandbox, plus the worker and POST /hooks/highlevel on the same
 * database, built from the console's config the way `parley start` builds them (src/app/
 * create-pipeline.ts). The sandbox's signed webhooks go to that route, so an attendee writing (the
 * sandbox's replyAsContact) reaches parley exactly as a real inbound message would.
 */
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { type ComposedJobs, composeJobs } from '../../src/app/compose-jobs.js';
import { addUser, createApiToken } from '../../src/console/auth/user-accounts.js';
import { enabledWorkflowsOptions, loadEnabledWorkflows } from '../../src/features/enabled-workflows.js';
import { routedSponsors } from '../../src/features/sponsor-channel-status.js';
import { createHighLevelTokenClient } from '../../src/highlevel/oauth/token-client.js';
import { fetchSandboxWebhookKeys } from '../../src/intake/highlevel/webhook-keys.js';
import { registerHighLevelWebhookRoute } from '../../src/intake/highlevel/webhook-route.js';
import { createLocationResolver } from '../../src/jobs/location-resolver.js';
import type { ContactReply } from '../../src/sandbox/highlevel/create-sandbox.js';
import { CONSOLE_PASSWORD, type ConsoleApp, type ConsoleAppOptions, startConsoleApp } from '../helpers/console-app.js';
import type { DatabaseKind } from '../helpers/databases.js';
import { TEST_PASSWORD_COST } from '../helpers/password-cost.js';
import { drained, silent } from './pipeline-world.js';

export interface SponsorWorld {
  parley: ConsoleApp;
  pipeline: ComposedJobs;
  /** `{ authorization: 'Bearer pk_…' }` for a console user made by `sponsorUsers` (role sponsor). */
  authOf(email: string): { authorization: string };
  /** The conversation's contact writes `message`; resolves once parley has processed every job it caused. */
  attendeeWrites(conversationId: string, message: string): Promise<ContactReply>;
  /** Waits until the worker has nothing pending or running. */
  settled(): Promise<void>;
  /** The tags of the conversation's contact in the sandbox. */
  contactTags(conversationId: string): string[];
  /** The conversation's messages in the sandbox (HighLevel's own store). */
  sandboxThread(conversationId: string): { body: string; direction: string; messageType: string }[];
  close(): Promise<void>;
}

export interface SponsorWorldOptions extends ConsoleAppOptions {
  /** Further console users with role sponsor (beyond `sponsor@parley.test`), each with an API token. */
  sponsorUsers?: readonly string[];
}

export async function startSponsorWorld(kind: DatabaseKind, options: SponsorWorldOptions = {}): Promise<SponsorWorld> {
  const parley = await startConsoleApp(kind, options);
  const { config } = parley.deps;
  const handle = parley.sandbox;
  const tokens = new Map<string, string>();
  for (const email of options.sponsorUsers ?? []) {
    await addUser(parley.deps.db, {
      email,
      password: CONSOLE_PASSWORD,
      role: 'sponsor',
      passwordCost: TEST_PASSWORD_COST,
    });
    tokens.set(email, (await createApiToken(parley.deps.db, { email, name: 'tests' })).token);
  }
  const pipeline = composeJobs({
    store: parley.database.store,
    auth: { getAccessToken: async () => handle.sandbox.issueToken({ locationId: parley.locationId }).accessToken },
    baseUrl: handle.url,
    appId: handle.sandbox.appId,
    workflows: await loadEnabledWorkflows(enabledWorkflowsOptions(config)),
    locations: createLocationResolver({ defaultLocationId: parley.locationId }),
    logger: silent,
    access: parley.deps.highlevel,
    sponsors: routedSponsors(config),
    concurrency: 4,
    pollMs: 20,
    backoff: { baseMs: 50, capMs: 500 },
  });
  const hooks: FastifyInstance = Fastify({ logger: false });
  await registerHighLevelWebhookRoute(hooks, {
    keys: await fetchSandboxWebhookKeys(handle.url),
    repository: parley.deps.repository,
    tokenClient: createHighLevelTokenClient({
      baseUrl: handle.url,
      clientId: handle.sandbox.clientId,
      clientSecret: handle.sandbox.clientSecret,
    }),
    appId: handle.sandbox.appId,
    logger: silent,
    inbox: { db: parley.deps.db, queue: pipeline.queue },
  });
  await hooks.listen({ port: 0, host: '127.0.0.1' });
  handle.sandbox.webhooks.setUrl(`http://127.0.0.1:${(hooks.server.address() as AddressInfo).port}/hooks/highlevel`);
  pipeline.start();

  const settled = async () => {
    await handle.sandbox.webhooks.flush();
    await drained(pipeline);
  };
  return {
    parley,
    pipeline,
    authOf(email) {
      const token = tokens.get(email);
      if (!token) throw new Error(`no sponsor user ${email}: list it in sponsorUsers`);
      return { authorization: `Bearer ${token}` };
    },
    async attendeeWrites(conversationId, message) {
      const reply = handle.sandbox.replyAsContact({ conversationId, message });
      await settled();
      return reply;
    },
    settled,
    contactTags(conversationId) {
      const state = handle.sandbox.domain?.state;
      const contactId = state?.conversations.get(conversationId)?.contactId;
      return [...((contactId && state?.contacts.get(contactId)?.tags) || [])];
    },
    sandboxThread: (conversationId) =>
      (handle.sandbox.domain?.state.messages.thread(conversationId) ?? []).map((m) => ({
        body: m.body,
        direction: m.direction,
        messageType: m.messageType,
      })),
    async close() {
      handle.sandbox.webhooks.setUrl(undefined);
      await pipeline.stop({ graceMs: 1_000 });
      await hooks.close();
      await parley.close();
    },
  };
}

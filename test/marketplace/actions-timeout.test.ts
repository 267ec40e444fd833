/**
 * Each action answers within its timeout (action-catalog.ts; HighLevel states none): when Accelevents
 * does not answer, HighLevel still gets the failure branch in time, saying why. The Accelevents side is
 * a real HTTP server that never answers; the deadlines are shortened through the deps.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAcceleventsClient } from '../../src/accelevents/client.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { findMarketplaceAction } from '../../src/marketplace/action-catalog.js';
import { MarketplaceActionError } from '../../src/marketplace/actions/action-error.js';
import { type ActionServices, createActionServices } from '../../src/marketplace/actions/action-services.js';
import { runMarketplaceAction } from '../../src/marketplace/actions/run-action.js';
import type { HighLevelAccess } from '../../src/ratelimit/highlevel-access.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { type ScriptedServer, startScriptedServer } from '../helpers/scripted-server.js';

const logger = createLogger({ level: 'silent' });

function body(key: string) {
  return {
    data: {},
    extras: { locationId: 'loc-1', contactId: 'contact-1', workflowId: 'wf-1' },
    meta: { key, version: '1.0' },
  };
}

describeEachDatabase('marketplace action timeouts', (getStore) => {
  let server: ScriptedServer;
  let services: ActionServices;
  beforeAll(async () => {
    server = await startScriptedServer();
    const { db } = getStore();
    await db
      .insertInto('attendee_links')
      .values({
        event_key: 'devconf-2026',
        attendee_id: 'AE-1',
        location_id: 'loc-1',
        contact_id: 'contact-1',
        created_at: 1,
        updated_at: 1,
      })
      .execute();
    services = createActionServices({
      db,
      // Lookups and check-ins never call HighLevel.
      highlevel: {} as HighLevelAccess,
      accelevents: async () =>
        createAcceleventsClient({
          baseUrl: server.url,
          apiKey: 'key',
          readAuth: 'authorization',
          writeAuth: 'key',
          logger,
        }),
      events: [],
      logger,
      timeoutsMs: { parley_lookup_attendee: 200, parley_check_in_attendee: 200 },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers the lookup with Not found and reason timeout when Accelevents does not answer', async () => {
    server.enqueue({ hang: true }, { hang: true });
    const answer = await runMarketplaceAction(services, 'parley_lookup_attendee', body('parley_lookup_attendee'));
    const notFound = findMarketplaceAction('parley_lookup_attendee').branches.find((b) => b.key === 'not_found');
    expect(answer).toMatchObject({ branchId: notFound?.id, reason: expect.stringMatching(/^timeout: /) });
  });

  it('answers the check-in with Failed and reason timeout when Accelevents does not answer', async () => {
    server.enqueue({ hang: true }, { hang: true });
    const answer = await runMarketplaceAction(services, 'parley_check_in_attendee', body('parley_check_in_attendee'));
    const failed = findMarketplaceAction('parley_check_in_attendee').branches.find((b) => b.key === 'failed');
    expect(answer).toMatchObject({ branchId: failed?.id, reason: expect.stringMatching(/^timeout: /) });
  });

  it('refuses a body whose meta.key names another action, naming meta.key', async () => {
    const error = await runMarketplaceAction(services, 'parley_lookup_attendee', body('parley_add_note')).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(MarketplaceActionError);
    expect(error).toMatchObject({
      code: 'invalid_action_request',
      status: 400,
      message: expect.stringMatching(/^meta\.key: /),
    });
  });
});

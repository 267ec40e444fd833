/**
 * GET /api/catalog on the real console app, on both databases (who calls is resolved from SQL): the
 * admin gets the whole catalog exactly as buildCatalog() builds it (samples' data and input schemas
 * included, which the response serializer would drop if the schema did not keep them open), every
 * other role gets 403, and the OpenAPI document describes the route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../src/console/auth/roles.js';
import { buildCatalog, type Catalog } from '../../../src/features/catalog.js';
import { TRIGGER_NAMES } from '../../../src/workflows/triggers.js';
import { type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';

describe.each(DATABASE_KINDS)('GET /api/catalog [%s]', (kind) => {
  let harness: ConsoleApp;
  const get = (headers: Record<string, string>) => harness.app.inject({ method: 'GET', url: '/api/catalog', headers });

  beforeAll(async () => {
    harness = await startConsoleApp(kind, { attendees: 1 });
  });
  afterAll(async () => harness?.close());

  it('answers an admin with the whole catalog, sample data and input schemas included', async () => {
    const response = await get(harness.auth('admin'));
    expect(response.statusCode).toBe(200);
    const catalog = response.json() as Catalog;
    expect(catalog).toEqual(JSON.parse(JSON.stringify(buildCatalog())));
    expect(catalog.triggers.map((trigger) => trigger.name)).toEqual([...TRIGGER_NAMES]);
    const send = catalog.actions.find((action) => action.name === 'highlevel.send-a-new-message');
    expect(send?.title).toBe('Send a new message');
    expect(send?.inputSchema.required).toEqual(['type', 'contactId']);
    const registration = catalog.triggers.find((trigger) => trigger.name === 'accelevents.registration');
    expect(registration?.samples[1]?.data.attendee).toMatchObject({ email: 'jonas.berg@example.org', phone: null });
  });

  it.each(['viewer', 'agent', 'sponsor'] as Role[])('refuses a %s with 403 forbidden', async (role) => {
    const response = await get(harness.auth(role));
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toBe('forbidden');
  });

  it('answers 401 without credentials', async () => {
    expect((await get({})).statusCode).toBe(401);
  });

  it('is in the OpenAPI document for admins only, with its response schema', async () => {
    const document = (await harness.app.inject({ url: '/api/openapi.json', headers: harness.auth('admin') })).json();
    const operation = document.paths['/api/catalog']?.get;
    expect(operation['x-parley-roles']).toEqual(['admin']);
    const schema = operation.responses['200'].content['application/json'].schema;
    expect(Object.keys(schema.properties)).toEqual(['triggers', 'actions']);
    expect(schema.properties.actions.items.properties.inputSchema).toMatchObject({ additionalProperties: true });
  });
});

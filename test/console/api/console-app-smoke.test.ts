/** The console test harness itself: sandbox-synced index, users per role, /api/me through bearer tokens. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_ROLES, type ConsoleApp, startConsoleApp } from '../../helpers/console-app.js';

describe('console test harness [sqlite]', () => {
  let harness: ConsoleApp;
  beforeAll(async () => {
    harness = await startConsoleApp('sqlite', { attendees: 5 });
  });
  afterAll(async () => harness?.close());

  it('syncs the seeded sandbox location into the index', async () => {
    const found = await harness.deps.index.search({ locationId: harness.locationId, limit: 50 });
    expect(found.items.length).toBe(5);
  });

  it('knows each role by its API token', async () => {
    for (const role of CONSOLE_ROLES) {
      const response = await harness.app.inject({ url: '/api/me', headers: harness.auth(role) });
      expect(response.statusCode).toBe(200);
      expect(response.json().user).toEqual({ email: `${role}@parley.test`, role });
    }
  });
});

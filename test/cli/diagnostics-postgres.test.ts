/**
 * The diagnostics commands on PostgreSQL, the second supported database: doctor passes on a healthy
 * sandbox connection and reports the store as postgres; connections prints no secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConnections } from '../../src/cli/commands/connections.js';
import { runDoctorCommand } from '../../src/cli/commands/doctor.js';
import { DEFAULT_FEATURES } from '../../src/features/feature-names.js';
import { planScopes } from '../../src/features/scope-planner.js';
import { openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { createDiagnosticsWorld, type DiagnosticsWorld } from './diagnostics-world.js';

let database: TestDatabase;
let world: DiagnosticsWorld;
beforeAll(async () => {
  database = await openTestDatabase('postgres');
  world = await createDiagnosticsWorld({ databaseUrl: database.location.databaseUrl });
});
afterAll(async () => {
  await world?.dispose();
  await database?.dispose();
});

describe('diagnostics on PostgreSQL', () => {
  it('doctor passes its store checks on PostgreSQL with a healthy sandbox connection', async () => {
    await world.seedHighLevel({ scopes: planScopes(DEFAULT_FEATURES).scopes });
    await runDoctorCommand({}, world.io());
    const out = world.output();
    expect(out).toMatch(/^ok +environment +valid; store: PostgreSQL \(DATABASE_URL\)$/m);
    expect(out).toMatch(/^ok +store +postgres reachable, migrations applied$/m);
    expect(out).toMatch(/^ok +location:\S+ probe +search-conversation answered 200$/m);
    expect(out).not.toMatch(/^fail/m);
  });

  it('connections --json lists the connection without its tokens', async () => {
    world.reset();
    const { issued } = await world.seedHighLevel({ locationId: world.sandbox.sandbox.defaultLocationId });
    await runConnections({ json: true }, world.io());
    const out = world.output();
    expect(JSON.parse(out)).toHaveLength(1);
    expect(out).not.toContain(issued.accessToken);
    expect(out).not.toContain(issued.refreshToken ?? 'no-refresh-token');
  });
});

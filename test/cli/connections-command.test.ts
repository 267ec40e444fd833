/**
 * `parley connections`: every connection with status, scopes, expiry, last refresh and failures,
 * as a table and as JSON, and never a secret.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRuntimeFor } from '../../src/app/open-runtime.js';
import { CliError } from '../../src/cli/cli-error.js';
import { runConnections } from '../../src/cli/commands/connections.js';
import { createDiagnosticsWorld, type DiagnosticsWorld, newMasterKey, thrownBy } from './diagnostics-world.js';

let world: DiagnosticsWorld;
beforeEach(async () => {
  world = await createDiagnosticsWorld();
});
afterEach(async () => {
  await world.dispose();
});

describe('parley connections', () => {
  const apiKey = 'ae-key-7f3a9c1e5b2d';

  /** Seeds a HighLevel connection and an Accelevents key, then prints `parley connections --json`. */
  async function printBothAsJson() {
    const { connection, issued } = await world.seedHighLevel();
    const runtime = await openRuntimeFor(world.io());
    await runtime.repository.save({
      provider: 'accelevents',
      kind: 'api_key',
      accountKey: 'accelevents:https://api.accelevents.com/rest',
      label: 'Accelevents',
      scopes: [],
      secrets: { apiKey },
    });
    await runtime.close();

    await runConnections({ json: true }, world.io());
    return { connection, issued, out: world.output() };
  }

  it('prints each connection as JSON', async () => {
    const { connection, issued, out } = await printBothAsJson();
    const views = JSON.parse(out);
    expect(views).toHaveLength(2);
    const hl = views.find((v: { id: string }) => v.id === connection.id);
    expect(hl).toMatchObject({
      provider: 'highlevel',
      kind: 'oauth',
      account: connection.accountKey,
      label: 'Sandbox location',
      status: 'ok',
      scopes: issued.scopes,
      expiresAt: new Date(connection.expiresAt ?? 0).toISOString(),
      lastRefreshAt: null,
      refreshFailuresToday: 0,
    });
  });

  it('prints none of the stored secrets', async () => {
    const { issued, out } = await printBothAsJson();
    for (const secret of [issued.accessToken, issued.refreshToken ?? 'no-refresh-token', apiKey]) {
      expect(out).not.toContain(secret);
    }
  });

  it('shows expiring when the token expires within the refresh margin', async () => {
    // 600 s left is inside the default 900 s margin.
    await world.seedHighLevel({ ttlSeconds: 600 });
    await runConnections({ json: true }, world.io());
    expect(JSON.parse(world.output())[0].status).toBe('expiring');
  });

  it('shows needs_reconnect with its reason in the table', async () => {
    const { connection } = await world.seedHighLevel({ ttlSeconds: 600 });
    const runtime = await openRuntimeFor(world.io());
    await runtime.repository.setStatus(connection.id, 'needs_reconnect', 'refresh token revoked (invalid_grant)');
    await runtime.close();

    world.reset();
    await runConnections({}, world.io());
    const [header, row] = world.output().trimEnd().split('\n');
    expect(header).toMatch(
      /^PROVIDER +KIND +ACCOUNT +LABEL +STATUS +SCOPES +EXPIRES +LAST REFRESH +FAILURES TODAY +REASON$/,
    );
    expect(row).toContain('needs_reconnect');
    expect(row).toContain('refresh token revoked (invalid_grant)');
    expect(row).toContain(connection.accountKey);
  });

  it('stops on a master key that is not the database one, saying how to fix it', async () => {
    await world.seedHighLevel();
    const error = await thrownBy(() => runConnections({}, world.io({ env: { PARLEY_MASTER_KEY: newMasterKey() } })));
    expect(error).toBeInstanceOf(CliError);
    expect(error.code).toBe('wrong_master_key');
    expect(error.message).toContain('differs from the one this database was initialised with');
    expect(error.message).toContain('\n  fix: ');
    expect(world.output()).toBe('');
  });

  it('says how to connect when there are no connections', async () => {
    await runConnections({}, world.io());
    expect(world.output()).toContain('No connections. Connect with `parley connect highlevel`');
  });
});

/**
 * parley.config.yaml: defaults without a file, every error pointing at file:line:col and the key
 * path, secrets refused, and the live target's requirements.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFileConfig } from '../../src/app/load-file-config.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeConfig(name: string, text: string): Promise<string> {
  await writeFile(join(dir, name), text);
  return name;
}

async function errorOf(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the config to be rejected');
}

describe('loadFileConfig', () => {
  it('gives the sandbox defaults when the default file does not exist', async () => {
    const config = await loadFileConfig({ env: { PORT: '3100', PARLEY_SANDBOX_PORT: '4111' }, cwd: dir });
    expect(config).toEqual({
      highlevel: {
        target: 'sandbox',
        baseUrl: 'http://127.0.0.1:4111',
        authorizeUrl: 'http://127.0.0.1:4111/v2/oauth/chooselocation',
        clientId: 'sandbox-client-id',
        clientSecret: 'sandbox-client-secret',
        redirectUri: 'http://127.0.0.1:3100/oauth/highlevel/callback',
        webhookKeys: { ed25519: [], rsa: [] },
      },
      features: ['registration-welcome', 'checkin-welcome', 'session-highlights', 'sponsor-channel', 'agent-console'],
      refresh: { marginSeconds: 900, checkIntervalSeconds: 60 },
      accelevents: { baseUrl: 'https://api.accelevents.com/rest', readAuth: 'authorization', writeAuth: 'key' },
      workflows: { path: null },
      runs: { retentionDays: 30 },
      events: [],
      sponsor: { sponsors: [], staffContactIds: [] },
      console: {
        secureCookies: false,
        indexSyncMinutes: 15,
        retention: { bodiesDays: null, transcriptsDays: null },
      },
      server: {
        trustProxy: false,
        timeouts: { headersSeconds: 10, requestSeconds: 60, idleSeconds: 60, keepAliveSeconds: 5 },
        metrics: { bind: 'loopback', tokenEnv: null },
      },
      marketplace: { targetAuth: 'bearer' },
    });
  });

  it('derives the sandbox URLs from the sandboxUrl it is given', async () => {
    const config = await loadFileConfig({ env: {}, cwd: dir, sandboxUrl: 'http://127.0.0.1:5999/' });
    expect(config.highlevel.baseUrl).toBe('http://127.0.0.1:5999');
    expect(config.highlevel.authorizeUrl).toBe('http://127.0.0.1:5999/v2/oauth/chooselocation');
  });

  it('refuses a file named by PARLEY_CONFIG that does not exist, naming it', async () => {
    const error = await errorOf(loadFileConfig({ env: { PARLEY_CONFIG: 'nope.yaml' }, cwd: dir }));
    expect(error.message).toBe('cannot read config file nope.yaml: file not found');
    expect(error.code).toBe('invalid_config');
  });

  it('reads the settings of the file PARLEY_CONFIG names', async () => {
    const file = await writeConfig(
      'set.yaml',
      [
        'features: [sponsor-channel, agent-console-readonly]',
        'refresh:',
        '  marginSeconds: 120',
        'accelevents:',
        '  writeAuth: bearer',
      ].join('\n'),
    );
    const config = await loadFileConfig({ env: { PARLEY_CONFIG: file }, cwd: dir });
    expect(config.features).toEqual(['sponsor-channel', 'agent-console-readonly']);
    expect(config.refresh).toEqual({ marginSeconds: 120, checkIntervalSeconds: 60 });
    expect(config.accelevents.writeAuth).toBe('bearer');
    expect(config.accelevents.readAuth).toBe('authorization');
  });

  it('reports a misspelt key at file:line:col with the keys allowed there', async () => {
    const file = await writeConfig('typo.yaml', ['highlevel:', '  target: sandbox', '  cliendId: my-app'].join('\n'));
    const error = await errorOf(loadFileConfig({ path: file, env: {}, cwd: dir }));
    expect(error.code).toBe('invalid_config');
    expect(error.message).toContain(
      'typo.yaml:3:3 highlevel.cliendId: unknown key; expected one of target, baseUrl, authorizeUrl, clientId',
    );
  });

  it('reports each wrong enum value at file:line:col with the allowed values', async () => {
    const file = await writeConfig(
      'enum.yaml',
      [
        '# features switched on',
        'features:',
        '  - registration-welcome',
        '  - registration-welcom',
        'accelevents:',
        '  readAuth: basic',
      ].join('\n'),
    );
    const error = await errorOf(loadFileConfig({ path: file, env: {}, cwd: dir }));
    expect(error.message).toContain(
      'enum.yaml:4:5 features[1]: expected one of registration-welcome, checkin-welcome, session-highlights, sponsor-channel, agent-console, agent-console-readonly, marketplace, got "registration-welcom"',
    );
    expect(error.message).toContain(
      'enum.yaml:6:13 accelevents.readAuth: expected one of authorization, bearer, key, authentication',
    );
  });

  it('reports a YAML syntax error with its position', async () => {
    const file = await writeConfig('broken.yaml', ['features:', '  - [agent-console'].join('\n'));
    const error = await errorOf(loadFileConfig({ path: file, env: {}, cwd: dir }));
    expect(error.message).toMatch(/broken\.yaml:\d+:\d+ /);
  });

  it('refuses a clientSecret in the file without echoing it, pointing to HIGHLEVEL_CLIENT_SECRET', async () => {
    const file = await writeConfig(
      'secret.yaml',
      ['highlevel:', '  target: live', '  clientId: app-1', '  clientSecret: s3cr3t-value-123'].join('\n'),
    );
    const error = await errorOf(loadFileConfig({ path: file, env: { HIGHLEVEL_CLIENT_SECRET: 'from-env' }, cwd: dir }));
    expect(error.message).toContain('secret.yaml:4:3 highlevel.clientSecret: secrets are not accepted');
    expect(error.message).toContain('HIGHLEVEL_CLIENT_SECRET');
    expect(error.message).not.toContain('s3cr3t-value-123');
  });

  it('refuses the live target without HIGHLEVEL_CLIENT_SECRET, naming the variable', async () => {
    const file = await writeConfig('live.yaml', ['highlevel:', '  target: live', '  clientId: app-1'].join('\n'));
    const error = await errorOf(loadFileConfig({ path: file, env: {}, cwd: dir }));
    expect(error.message).toMatch(/^HIGHLEVEL_CLIENT_SECRET is not set/);
  });

  it('refuses the live target without a clientId, naming the key', async () => {
    const file = await writeConfig('live-noid.yaml', ['highlevel:', '  target: live'].join('\n'));
    const error = await errorOf(loadFileConfig({ path: file, env: { HIGHLEVEL_CLIENT_SECRET: 'x' }, cwd: dir }));
    expect(error.message).toContain('highlevel.clientId is required');
  });

  it('fills the live defaults: HighLevel base URL, marketplace consent page, secret from the environment', async () => {
    const file = await writeConfig('live-ok.yaml', ['highlevel:', '  target: live', '  clientId: app-1'].join('\n'));
    const config = await loadFileConfig({ path: file, env: { HIGHLEVEL_CLIENT_SECRET: 'env-secret' }, cwd: dir });
    expect(config.highlevel).toMatchObject({
      target: 'live',
      baseUrl: 'https://services.leadconnectorhq.com',
      authorizeUrl: 'https://marketplace.gohighlevel.com/v2/oauth/chooselocation',
      clientId: 'app-1',
      clientSecret: 'env-secret',
    });
  });

  it('treats an empty file as all defaults', async () => {
    const file = await writeConfig('empty.yaml', '# nothing here yet\n');
    const config = await loadFileConfig({ path: file, env: {}, cwd: dir });
    expect(config.highlevel.target).toBe('sandbox');
  });

  describe('run retention', () => {
    it.each([
      ['a number of days', '7', 7],
      ['null, keeping every run', 'null', null],
    ])('reads runs.retentionDays given as %s', async (_name, written, read) => {
      const file = await writeConfig('runs.yaml', `runs:\n  retentionDays: ${written}\n`);
      const config = await loadFileConfig({ path: file, env: {}, cwd: dir });
      expect(config.runs).toEqual({ retentionDays: read });
    });

    it('refuses zero days, naming the key and the least it takes', async () => {
      const file = await writeConfig('runs-bad.yaml', 'runs:\n  retentionDays: 0\n');
      const error = await errorOf(loadFileConfig({ path: file, env: {}, cwd: dir }));
      expect(error.message).toContain('runs-bad.yaml:2:');
      expect(error.message).toContain('runs.retentionDays: expected at least 1');
    });
  });

  describe('console settings', () => {
    it('reads indexSyncMinutes 0 as the periodic index rescan switched off', async () => {
      const file = await writeConfig('console-sync-off.yaml', 'console:\n  indexSyncMinutes: 0\n');
      const config = await loadFileConfig({ path: file, env: {}, cwd: dir });
      expect(config.console.indexSyncMinutes).toBe(0);
    });

    it('refuses a negative indexSyncMinutes, naming the key and the least it takes', async () => {
      const file = await writeConfig('console-sync-bad.yaml', 'console:\n  indexSyncMinutes: -5\n');
      const error = await errorOf(loadFileConfig({ path: file, env: {}, cwd: dir }));
      expect(error.message).toContain('console.indexSyncMinutes: expected at least 0');
    });
  });

  describe('server settings', () => {
    it.each([
      ['true', 'true', true],
      ['a hop count', '2', 2],
      [
        'a list of addresses and CIDRs',
        '[10.0.0.2, 10.1.0.0/16, "::1", loopback]',
        ['10.0.0.2', '10.1.0.0/16', '::1', 'loopback'],
      ],
      ['one address', '10.0.0.2', ['10.0.0.2']],
    ])('reads trustProxy given as %s', async (_name, written, read) => {
      const file = await writeConfig('trust.yaml', `server:\n  trustProxy: ${written}\n`);
      const config = await loadFileConfig({ path: file, env: {}, cwd: dir });
      expect(config.server.trustProxy).toEqual(read);
    });

    it('refuses a trustProxy entry that is not an address or CIDR, naming the key', async () => {
      const file = await writeConfig('trust-bad.yaml', 'server:\n  trustProxy: [10.0.0.2, proxy.internal]\n');
      const error = await errorOf(loadFileConfig({ path: file, env: {}, cwd: dir }));
      expect(error.message).toContain('trust-bad.yaml:2:');
      expect(error.message).toContain('server.trustProxy');
    });

    async function loadServerSettings() {
      const file = await writeConfig(
        'server.yaml',
        'server:\n  timeouts: { headersSeconds: 5, keepAliveSeconds: 65 }\n  metrics: { bind: any, tokenEnv: PARLEY_METRICS_TOKEN }\n',
      );
      return loadFileConfig({ path: file, env: {}, cwd: dir });
    }

    it('reads timeouts, keeping the defaults for what is not given', async () => {
      const config = await loadServerSettings();
      expect(config.server.timeouts).toEqual({
        headersSeconds: 5,
        requestSeconds: 60,
        idleSeconds: 60,
        keepAliveSeconds: 65,
      });
    });

    it('reads metrics access', async () => {
      const config = await loadServerSettings();
      expect(config.server.metrics).toEqual({ bind: 'any', tokenEnv: 'PARLEY_METRICS_TOKEN' });
    });

    it('refuses a header timeout longer than the request timeout, naming both keys', async () => {
      const file = await writeConfig(
        'timeouts-bad.yaml',
        'server:\n  timeouts: { headersSeconds: 30, requestSeconds: 20 }\n',
      );
      const error = await errorOf(loadFileConfig({ path: file, env: {}, cwd: dir }));
      expect(error.message).toContain('server.timeouts.headersSeconds: headersSeconds must not exceed requestSeconds');
    });

    it('refuses /metrics open to any address without a token variable', async () => {
      const file = await writeConfig('metrics-open.yaml', 'server:\n  metrics: { bind: any }\n');
      const error = await errorOf(loadFileConfig({ path: file, env: {}, cwd: dir }));
      expect(error.message).toContain('server.metrics.bind: bind: any needs tokenEnv');
    });

    it('refuses the metrics token itself in the file, pointing elsewhere without echoing it', async () => {
      const file = await writeConfig('metrics-token.yaml', 'server:\n  metrics: { token: s3cret-metrics-token }\n');
      const error = await errorOf(loadFileConfig({ path: file, env: {}, cwd: dir }));
      expect(error.message).toContain(
        'server.metrics.token: secrets are not accepted in the config file; put it in an environment variable and name that variable in server.metrics.tokenEnv',
      );
      expect(error.message).not.toContain('s3cret-metrics-token');
    });
  });
});

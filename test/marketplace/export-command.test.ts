/** `parley marketplace export`: where the files go and which public URL they carry. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMarketplaceExport } from '../../src/cli/commands/marketplace-export.js';

describe('parley marketplace export', () => {
  let dir: string;
  let output: string;
  const io = () => ({
    env: {},
    cwd: dir,
    write: (text: string) => {
      output += text;
    },
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-export-command-'));
    output = '';
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the files under --out relative to the working directory and says what it wrote', async () => {
    const written = await runMarketplaceExport({ out: 'app', publicUrl: 'https://parley.example.com' }, io());
    expect(written.length).toBeGreaterThanOrEqual(6);
    const file = JSON.parse(
      await readFile(join(dir, 'app/src/modules/workflows/actions/parley-lookup-attendee.json'), 'utf8'),
    );
    expect(file.versions[0].executionConfig.url).toBe(
      'https://parley.example.com/marketplace/actions/parley_lookup_attendee',
    );
    expect(output).toMatch(/^wrote 6 trigger\(s\) and 4 action\(s\) for https:\/\/parley\.example\.com:/);
    expect(output).toContain('PARLEY_MARKETPLACE_SECRET');
  });

  it("uses the origin of the config's highlevel.redirectUri when no --public-url is given", async () => {
    await writeFile(
      join(dir, 'parley.config.yaml'),
      'highlevel:\n  redirectUri: https://parley.acme.test/oauth/highlevel/callback\n',
    );
    await runMarketplaceExport({ out: 'app' }, io());
    const file = JSON.parse(
      await readFile(join(dir, 'app/src/modules/workflows/triggers/accelevents-attendee-registered.json'), 'utf8'),
    );
    expect(file.versions[0].subscriptionConfig.url).toBe('https://parley.acme.test/marketplace/triggers/subscription');
  });

  it('asks for --public-url when the config only knows a loopback address', async () => {
    await expect(runMarketplaceExport({ out: 'app' }, io())).rejects.toMatchObject({
      code: 'invalid_option',
      message: expect.stringMatching(/^--public-url is required/),
    });
  });

  it('refuses a --public-url that is not an absolute URL, naming the option', async () => {
    await expect(runMarketplaceExport({ out: 'app', publicUrl: 'parley.example.com' }, io())).rejects.toMatchObject({
      code: 'invalid_option',
      message: expect.stringMatching(/^--public-url: /),
    });
  });
});

/**
 * The README's two-terminal walk-through, as real processes: `parley sandbox` in one, `parley ghl` in
 * another. Proves the printed token and location work, the answer is spec-shaped JSON, and going over
 * the burst limit ends in a visible 429 with the rate-limit headers and a non-zero exit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { schemaValidator } from '../helpers/spec-validator.js';

const BIN = new URL('../../bin/parley.js', import.meta.url).pathname;

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'silent' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('parley sandbox + parley ghl as separate processes', () => {
  let sandbox: ChildProcess;
  let banner = '';

  // A sandbox per test: the burst limit counts every call made to it. The window is long enough that
  // three CLI processes started one after another fall in it even on a loaded machine (each start can
  // take seconds there), so the third call meets the limit whatever the machine's speed.
  beforeEach(async () => {
    banner = '';
    sandbox = spawn(process.execPath, [
      BIN,
      'sandbox',
      '--port',
      '0',
      '--burst-limit',
      '2',
      '--burst-interval-ms',
      '600000',
      '--attendees',
      '3',
    ]);
    await new Promise<void>((resolve, reject) => {
      sandbox.stdout!.on('data', (d) => {
        banner += d;
        if (banner.includes('Press Ctrl+C')) resolve();
      });
      sandbox.on('exit', (code) => reject(new Error(`sandbox exited early with ${code}: ${banner}`)));
    });
  });
  afterEach(() => {
    sandbox?.kill('SIGTERM');
  });

  const field = (pattern: RegExp) => {
    const match = banner.match(pattern);
    if (!match?.[1]) throw new Error(`banner lacks ${pattern}: ${banner}`);
    return match[1];
  };

  /** `parley ghl search-conversation` with the base URL, token and location id the sandbox printed. */
  const searchArgs = () => {
    const url = field(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    const location = field(/location id\s+(\S+)/);
    const token = field(/access token\s+(sbx_at_\S+)/);
    return ['ghl', 'search-conversation', '--base-url', url, '--token', token, '--param', `locationId=${location}`];
  };

  it('prints sandbox credentials that work with parley ghl', async () => {
    const args = searchArgs();
    const first = await run(args);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const body = JSON.parse(first.stdout);
    expect(schemaValidator('SendConversationResponseDto')(body)).toBe(true);
    expect(body.total).toBe(3);
  });

  it('answers a visible 429 with a non-zero exit over the burst limit', async () => {
    const args = searchArgs();
    expect((await run(args)).code).toBe(0);
    expect((await run(args)).code).toBe(0);
    const limited = await run(args);
    expect(limited.code).toBe(1);
    expect(limited.stderr).toContain('HTTP 429 rate_limited');
    expect(limited.stderr).toMatch(/rate limit: 0\/2 per 600000 ms; daily \d+\/200000/);
    expect(limited.stdout).toBe('');
  });

  it('refuses an unknown operation with the usage code, naming it', async () => {
    const result = await run(['ghl', 'search-conversations']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown operation "search-conversations"');
    expect(result.stderr).toContain('search-conversation');
  });

  it('answers --help with exit 0 for every command, the top level included', async () => {
    for (const args of [['--help'], ['start', '--help'], ['sandbox', '--help'], ['ghl', '--help']]) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout).toContain('Usage: parley');
    }
  });
});

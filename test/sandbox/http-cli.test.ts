import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/cli-error.js';
import { parseSandboxOptions, register, runSandbox } from '../../src/cli/commands/sandbox.js';
import { createLogger } from '../../src/lib/create-logger.js';
import { echoHandlers, readJson } from '../helpers/sandbox.js';

function sandboxCommand(): Command {
  const program = new Command('parley').exitOverride();
  register(program);
  const command = program.commands.find((c) => c.name() === 'sandbox');
  if (!command) throw new Error('register did not add a sandbox command');
  return command;
}

function usageError(run: () => unknown): CliError {
  try {
    run();
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('expected a CliError');
}

describe('parley sandbox', () => {
  it('lists every option in --help', () => {
    const help = sandboxCommand().helpInformation();
    for (const flag of [
      '--port <n>',
      '--host <host>',
      '--scopes <list>',
      '--burst-limit <n>',
      '--burst-interval-ms <ms>',
      '--daily-limit <n>',
      '--token-ttl <seconds>',
      '--webhook-url <url>',
      '--error-rate <0..1>',
      '--latency-ms <ms>',
      '--timeout-rate <0..1>',
      '--reset-rate <0..1>',
      '--messages-shape <shape>',
      '--attendees <n>',
    ]) {
      expect(help, flag).toContain(flag);
    }
  });

  it('rejects bad option values with a usage error naming the option', () => {
    const cases: [Record<string, string>, string][] = [
      [{ port: 'eighty' }, '--port'],
      [{ port: '70000' }, '--port'],
      [{ errorRate: '1.5' }, '--error-rate'],
      [{ timeoutRate: 'x' }, '--timeout-rate'],
      [{ scopes: 'conversations.readonly conversations.fly' }, 'conversations.fly'],
      [{ messagesShape: 'nested' }, '--messages-shape'],
      [{ webhookUrl: 'ftp://example.com/hook' }, '--webhook-url'],
      [{ tokenTtl: '0' }, '--token-ttl'],
      [{ attendees: '-3' }, '--attendees'],
    ];
    for (const [raw, named] of cases) {
      const error = usageError(() => parseSandboxOptions(raw));
      expect(error.message, JSON.stringify(raw)).toContain(named);
      expect(error.exitCode).toBe(2);
    }
  });

  it('turns the action into a usage error through commander, before anything starts', async () => {
    const command = sandboxCommand();
    await expect(command.parseAsync(['--burst-limit', 'lots'], { from: 'user' })).rejects.toThrow(/--burst-limit/);
  });

  const parsed = () =>
    parseSandboxOptions({
      port: '0',
      scopes: 'conversations.readonly, contacts.write',
      burstLimit: '7',
      tokenTtl: '120',
      latencyMs: '15',
      messagesShape: 'flat',
    });

  it('parses comma or space separated scopes', () => {
    expect(parsed().scopes).toEqual(['conversations.readonly', 'contacts.write']);
  });

  it('parses the numeric settings into sandbox options', () => {
    const settings = parsed();
    expect(settings.port).toBe(0);
    expect(settings.options).toMatchObject({
      burstLimit: 7,
      accessTokenTtlSeconds: 120,
      messagesShape: 'flat',
      faults: { errorRate: 0, latencyMs: 15, timeoutRate: 0, resetRate: 0 },
    });
  });

  /** Runs `parley sandbox` until it has printed its instructions; close() shuts it down. */
  async function runPrinting() {
    let output = '';
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const settings = parseSandboxOptions({ port: '0', scopes: 'conversations.readonly' });
    const running = runSandbox(
      settings,
      {
        write: (text) => {
          output += text;
        },
        waitForShutdown: () => stopped,
      },
      { handlers: echoHandlers(), logger: createLogger({ level: 'silent' }), rsaModulusLength: 1024 },
    );
    await expect.poll(() => output).toContain('Press Ctrl+C to stop.');
    const curl = /curl -H 'Authorization: Bearer (\S+)' -H 'Version: (\S+)' '(\S+)'/.exec(output);
    const close = async () => {
      stop();
      await running;
    };
    return { output, curl, close };
  }

  it("prints the sandbox's connection details", async () => {
    const { output, close } = await runPrinting();
    const baseUrl = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    expect(baseUrl).toBeDefined();
    expect(output).toContain('SbxLocation000000001');
    expect(output).toContain('SbxCompany0000000001');
    expect(output).toContain('id sandbox-client-id, secret sandbox-client-secret');
    expect(output).toContain(`${baseUrl}/sandbox/webhook-keys`);
    await close();
  });

  it('prints a curl that works with a token of the requested scopes', async () => {
    const { curl, close } = await runPrinting();
    expect(curl).not.toBeNull();
    const [, token, version, url] = curl!;
    const res = await fetch(url!, { headers: { authorization: `Bearer ${token}`, version: version! } });
    expect(res.status).toBe(200);
    expect((await readJson(res)).principal.scopes).toEqual(['conversations.readonly']);
    await close();
  });

  it('closes once told to shut down', async () => {
    const { curl, close } = await runPrinting();
    const url = curl?.[3];
    expect(url).toBeDefined();
    await close();
    await expect(fetch(url!)).rejects.toThrow();
  });
});

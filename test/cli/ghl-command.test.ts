import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/cli-error.js';
import { register } from '../../src/cli/commands/ghl.js';
import { type ScriptedServer, startScriptedServer } from '../helpers/scripted-server.js';

const TOKEN = 'cli-token-5c1d7e0f9a';
let server: ScriptedServer;
let dir: string;
let stdout: string;
let stderr: string;

beforeEach(async () => {
  server = await startScriptedServer();
  dir = await mkdtemp(join(tmpdir(), 'parley-ghl-'));
  stdout = '';
  stderr = '';
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs `parley ghl …` on a fresh program; resolves to the exit code main() would set. */
async function ghl(...args: string[]): Promise<{ exitCode: number; error?: CliError }> {
  const program = new Command('parley').exitOverride().configureOutput({
    writeOut: (text) => {
      stdout += text;
    },
    writeErr: (text) => {
      stderr += text;
    },
  });
  register(program);
  try {
    await program.parseAsync(['node', 'parley', 'ghl', ...args]);
    return { exitCode: 0 };
  } catch (error) {
    if (error instanceof CliError) return { exitCode: error.exitCode, error };
    throw error;
  }
}

const target = () => ['--base-url', server.url, '--token', TOKEN];

describe('parley ghl against a scripted HighLevel', () => {
  it('prints the JSON answer of a successful call', async () => {
    server.enqueue({ json: { id: 'c1', unreadCount: 2 } });
    const run = await ghl('get-conversation', ...target(), '--param', 'conversationId=c1');
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ id: 'c1', unreadCount: 2 });
    expect(stdout).toContain('\n  "id"');
    expect(server.requests[0]?.url).toBe('/conversations/c1');
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(stdout + stderr).not.toContain(TOKEN);
  });

  it('exits 2 on an unknown operation, suggesting the closest names', async () => {
    const run = await ghl('serch-conversation', ...target());
    expect(run.exitCode).toBe(2);
    expect(run.error?.message).toContain('unknown operation "serch-conversation"');
    expect(run.error?.message).toContain('search-conversation');
    expect(server.requests).toHaveLength(0);
  });

  it('exits 2 naming a missing required parameter with its place', async () => {
    const run = await ghl('get-message-recording', ...target(), '--param', 'locationId=l1');
    expect(run.exitCode).toBe(2);
    expect(run.error?.message).toContain('missing required path parameter "messageId"');
    expect(server.requests).toHaveLength(0);
  });

  it('exits 2 on a --body that is not JSON', async () => {
    const run = await ghl('create-conversation', ...target(), '--body', '{locationId: l1}');
    expect(run.exitCode).toBe(2);
    expect(run.error?.message).toMatch(/^--body is not valid JSON/);
  });

  it('exits 2 naming --token when a base URL is given without one', async () => {
    const run = await ghl('get-conversation', '--base-url', server.url, '--param', 'conversationId=c1');
    expect(run.exitCode).toBe(2);
    expect(run.error?.message).toContain('--token');
  });

  it('reads the token from HIGHLEVEL_TOKEN', async () => {
    server.enqueue({ json: { id: 'c1' } });
    process.env.HIGHLEVEL_TOKEN = TOKEN;
    try {
      const run = await ghl('get-conversation', '--base-url', server.url, '--param', 'conversationId=c1');
      expect(run.exitCode).toBe(0);
    } finally {
      delete process.env.HIGHLEVEL_TOKEN;
    }
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('exits 1 with one line "HTTP <status> <code>: <message>" on a HighLevel error', async () => {
    server.enqueue({ status: 404, json: { statusCode: 404, message: 'Conversation not found' } });
    const run = await ghl('get-conversation', ...target(), '--param', 'conversationId=nope');
    expect(run.exitCode).toBe(1);
    expect(run.error?.message).toBe('HTTP 404 not_found: Conversation not found');
  });

  async function exportWithLocationAndHeaders() {
    server.enqueue({
      json: { conversations: [], total: 0 },
      headers: {
        'x-ratelimit-remaining': '99',
        'x-ratelimit-max': '100',
        'x-ratelimit-interval-milliseconds': '10000',
      },
    });
    const run = await ghl(
      'export-messages-by-location',
      ...target(),
      '--location',
      'loc-5',
      '--param',
      'channel=SMS',
      '--param',
      'channel=Email',
      '--include-headers',
    );
    expect(run.exitCode).toBe(0);
  }

  it('sends repeated --param values as an array query parameter, with locationId from --location', async () => {
    await exportWithLocationAndHeaders();
    expect(server.requests[0]?.url).toBe('/conversations/messages/export?channel=SMS&channel=Email&locationId=loc-5');
  });

  it('prints rate-limit info with --include-headers', async () => {
    await exportWithLocationAndHeaders();
    expect(stderr).toContain('HTTP 200');
    expect(stderr).toContain('rate limit: 99/100 per 10000 ms');
  });

  it('writes a binary recording to --output', async () => {
    const wav = Buffer.from([1, 2, 3, 250]);
    server.enqueue({ body: wav, headers: { 'content-type': 'audio/x-wav' } });
    const output = join(dir, 'call.wav');
    const run = await ghl(
      'get-message-recording',
      ...target(),
      '--param',
      'locationId=l1',
      '--param',
      'messageId=m1',
      '--output',
      output,
    );
    expect(run.exitCode).toBe(0);
    expect((await readFile(output)).equals(wav)).toBe(true);
  });

  it('uploads --file parts with --body fields read from @file', async () => {
    server.enqueue({ json: { uploadedFiles: {} } });
    const bodyFile = join(dir, 'body.json');
    const upload = join(dir, 'agenda.txt');
    await writeFile(bodyFile, JSON.stringify({ conversationId: 'c1', contactId: 'ct1', locationId: 'l1' }));
    await writeFile(upload, 'agenda');
    const run = await ghl('upload-file-attachments', ...target(), '--body', `@${bodyFile}`, '--file', upload);
    expect(run.exitCode).toBe(0);
    const recorded = server.requests[0]!;
    const form = await new Request('http://x/', {
      method: 'POST',
      headers: { 'content-type': String(recorded.headers['content-type']) },
      body: recorded.body,
    }).formData();
    expect((form.get('fileAttachment') as File).name).toBe('agenda.txt');
    expect(form.get('conversationId')).toBe('c1');
  });

  it("without --base-url, answers from the built-in sandbox's default location", async () => {
    const run = await ghl('search-conversation', '--param', 'limit=2');
    expect(run).toEqual({ exitCode: 0 });
    const answer = JSON.parse(stdout) as { conversations: { locationId: string }[] };
    expect(answer.conversations).toHaveLength(2);
    expect(new Set(answer.conversations.map((c) => c.locationId)).size).toBe(1);
    expect(server.requests).toHaveLength(0);
  });
});

/**
 * parley simulate in-process (no parley answers at --url): both sandboxes, a temp store and the real
 * pipeline over HTTP; the report counts every registered attendee's conversation and welcome once.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { formatReport, simulate } from '../../src/cli/commands/simulate.js';

/** A port with nothing listening: bind, note it, close. */
async function freeUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

it('runs 20 attendees in-process and reports 20 conversations, 20 welcomes, no failures and a call transcript', async () => {
  // A wide burst window keeps the test fast; the default paces at HighLevel's 100 per 10 s.
  const report = await simulate({
    attendees: 20,
    url: await freeUrl(),
    timeoutMs: 30_000,
    burst: { limit: 1_000, intervalMs: 1_000 },
  });
  expect(report.mode).toBe('in-process');
  expect(report.timedOut).toBe(false);
  expect(report.registered).toBe(20);
  expect(report.conversations).toBe(20);
  expect(report.welcomeMessages).toBe(20);
  expect(report.deadJobs).toEqual({ count: 0, errors: [] });
  expect(report.links).toHaveLength(10);
  expect(new Set(report.links.map((l) => l.contactId)).size).toBe(10);
  expect(report.transcript?.text.length).toBeGreaterThan(0);

  const text = formatReport(report);
  expect(text).toContain('attendees registered: 20');
  expect(text).toContain('welcome messages:     20');
  expect(text).toContain('failures (dead jobs): 0');
  expect(text).toContain(`call transcript to review (message ${report.transcript?.messageId})`);
});

it('refuses a non-positive attendee count, naming the option', async () => {
  await expect(simulate({ attendees: 0, url: 'http://127.0.0.1:1' })).rejects.toThrow(
    '--attendees must be a whole number >= 1, got 0',
  );
});

/**
 * Connecting an Accelevents account: probe the key with a cheap read (GET eventDetails), and only when
 * it answers store the connection with the key in the vault. A failed probe is explained by its likely
 * cause: the header preset (not settled, docs/accelevents-assumptions.md), the plan (the API is a paid
 * plan feature), the event, or the role.
 */

import type { AcceleventsError } from '../../accelevents/accelevents-error.js';
import { type AcceleventsAuthPreset, AUTH_PRESET_HEADERS, AUTH_PRESETS } from '../../accelevents/auth-presets.js';
import { createAcceleventsClient } from '../../accelevents/client.js';
import type { AcceleventsEventDetails } from '../../accelevents/types.js';
import type { Connection, ConnectionRepository } from '../../credentials/types.js';
import type { Logger } from '../../lib/create-logger.js';

export interface ConnectAcceleventsInput {
  baseUrl: string;
  apiKey: string;
  readAuth: AcceleventsAuthPreset;
  writeAuth: AcceleventsAuthPreset;
  /** The event probed, and remembered as the connection's default event. */
  eventUrl: string;
  repository: ConnectionRepository;
  fetch?: typeof fetch;
  logger?: Logger;
  timeoutMs?: number;
}

export interface ConnectAcceleventsResult {
  connection: Connection;
  event: AcceleventsEventDetails;
  warnings: string[];
}

/** Probes, then saves. Throws the probe's AcceleventsError untouched; `probeFailureMessage` explains it. */
export async function connectAcceleventsAccount(input: ConnectAcceleventsInput): Promise<ConnectAcceleventsResult> {
  const client = createAcceleventsClient({
    baseUrl: input.baseUrl,
    apiKey: input.apiKey,
    readAuth: input.readAuth,
    writeAuth: input.writeAuth,
    // One try: the person at the terminal is waiting, and a retry would hide a flaky base URL.
    maxRetries: 0,
    timeoutMs: input.timeoutMs ?? 15_000,
    ...(input.fetch ? { fetch: input.fetch } : {}),
    ...(input.logger ? { logger: input.logger } : {}),
  });
  const event = await client.getEventDetails(input.eventUrl);
  const host = new URL(input.baseUrl).host;
  const connection = await input.repository.save({
    provider: 'accelevents',
    kind: 'api_key',
    accountKey: `accelevents:${input.baseUrl}`,
    label: `Accelevents (${host})`,
    scopes: [],
    settings: {
      baseUrl: input.baseUrl,
      readAuth: input.readAuth,
      writeAuth: input.writeAuth,
      eventUrl: input.eventUrl,
    },
    secrets: { apiKey: input.apiKey },
  });
  return { connection, event, warnings: writeWarnings(input.writeAuth) };
}

function writeWarnings(writeAuth: AcceleventsAuthPreset): string[] {
  const warnings = [
    `writes (check-in, holder updates) will send ${AUTH_PRESET_HEADERS[writeAuth]}; the probe is a read, so the write header is not verified yet`,
  ];
  if (writeAuth === 'bearer') {
    warnings.push(
      'Accelevents reportedly answers 401 to writes sent with Authorization: Bearer while reads work; consider --write-auth key',
    );
  }
  return warnings;
}

export interface ProbeContext {
  baseUrl: string;
  eventUrl: string;
  readAuth: AcceleventsAuthPreset;
}

/** One or two lines for the person at the terminal: what failed, and what to try. Never the key. */
export function probeFailureMessage(error: AcceleventsError, ctx: ProbeContext): string {
  const code = error.appCode === null ? '' : `, ${error.appCode}`;
  const seen = error.status === null ? error.code : `HTTP ${error.status}${code}`;
  switch (error.code) {
    case 'unauthorized': {
      const others = AUTH_PRESETS.filter((p) => p !== ctx.readAuth)
        .map((p) => `${p} (${AUTH_PRESET_HEADERS[p]})`)
        .join(', ');
      return (
        `Accelevents refused the key sent as ${AUTH_PRESET_HEADERS[ctx.readAuth]} (${seen}). Either the key is wrong, ` +
        `or this account expects another header: try --read-auth with ${others}`
      );
    }
    case 'plan_not_enabled':
      return (
        `Accelevents says API access is not enabled for this account (${seen}). The API comes with the Enterprise ` +
        'and White Label plans (some sources say Business and up): ask Accelevents to enable it, then connect again'
      );
    case 'not_found':
      return (
        `Accelevents has no event "${ctx.eventUrl}" at ${ctx.baseUrl} (${seen}). --event takes the event's URL slug, ` +
        'e.g. demo for https://www.accelevents.com/events/demo'
      );
    case 'forbidden':
      return (
        `The key works, but its user may not read event "${ctx.eventUrl}" as host (${seen}: ` +
        `${error.appCode === 4030101 ? 'Not Staff User' : 'Not Event Host'}). Use a key created by an owner of the ` +
        'enterprise, or pick an event that user administers'
      );
    case 'network_error':
    case 'timeout':
      return `could not reach Accelevents at ${ctx.baseUrl} (${error.code}): check --base-url and the network (production: https://api.accelevents.com/rest)`;
    case 'invalid_response':
      return `${ctx.baseUrl} answered, but not like the Accelevents API (${error.message}): check --base-url, which ends in /rest`;
    case 'rate_limited':
    case 'server_error':
      return `Accelevents is not answering normally (${seen}): try again in a minute`;
    default:
      return `the probe failed: ${error.message}`;
  }
}

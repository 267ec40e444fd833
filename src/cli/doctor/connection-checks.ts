/**
 * Per connection: its status, a live probe, and its scopes against the plan. The HighLevel probe
 * is `search-conversation` with limit 1 through the client and the token manager, so it exercises
 * the stored token, a refresh when one is due, and the API; the Accelevents probe is the event
 * details call. A connection made against the sandbox is not probed under a live target: calls skip
 * it (src/credentials/sandbox-mark.ts), and doctor says so. Returns the first HighLevel answer's Date
 * for the clock-skew check.
 */
import { isAuthPreset } from '../../accelevents/auth-presets.js';
import { createAcceleventsClient } from '../../accelevents/client.js';
import type { ParleyFileConfig } from '../../app/config-types.js';
import type { ConnectionLayer } from '../../app/open-runtime.js';
import { displayStatus, relativeTime } from '../../credentials/connection-view.js';
import { callableFor } from '../../credentials/sandbox-mark.js';
import type { Connection } from '../../credentials/types.js';
import { configPlanner } from '../../features/running-features.js';
import { compareConnectionScopes, describeMissing } from '../../features/scope-planner.js';
import { createHighLevelClient } from '../../highlevel/client.js';
import { HighLevelForbiddenError } from '../../highlevel/errors.js';
import type { Logger } from '../../lib/create-logger.js';
import { fixFor } from '../../lib/error-fixes.js';
import { type CheckResult, describeError, fail, ok, warn } from './check-result.js';
import type { DateSample } from './clock-skew.js';

export interface ConnectionCheckDeps {
  config: ParleyFileConfig;
  layer: ConnectionLayer;
  logger: Logger;
  now: () => number;
  fetch?: typeof fetch;
}

/** A probe is a diagnosis, not a job: one attempt, a short wait. */
const PROBE_TIMEOUT_MS = 10_000;

export async function runConnectionChecks(
  deps: ConnectionCheckDeps,
  report: (result: CheckResult) => void,
): Promise<DateSample | null> {
  const connections = await deps.layer.repository.list();
  if (connections.length === 0) {
    report(
      warn(
        'connections',
        'none yet',
        'connect HighLevel with `parley connect highlevel` and Accelevents with `parley connect accelevents`',
      ),
    );
    return null;
  }
  let sample: DateSample | null = null;
  // A workflow file that does not load is the workflows check's failure; plan without it here.
  const planner = await configPlanner(deps.config).catch(() =>
    configPlanner({ ...deps.config, workflows: { ...deps.config.workflows, path: null } }),
  );
  for (const connection of connections) {
    const name = connection.accountKey;
    if (!callableFor(deps.config.highlevel.target, connection)) {
      // Its token means nothing to HighLevel, so a probe would only fail for that; say what to do instead.
      report(
        warn(
          `${name} target`,
          `connection ${name} was made against the sandbox; the live target ignores it`,
          'remove or reconnect it: `parley connect highlevel` against the live target replaces it',
        ),
      );
      continue;
    }
    const usable = reportStatus(connection, deps, report);
    if (usable) {
      const probed = await probe(connection, deps);
      report(probed.result);
      sample ??= probed.sample;
    }
    // A feature that is switched on but not configured (the sponsor channel without sponsors) needs nothing.
    const scopes = compareConnectionScopes(connection, planner.features, planner.options);
    if (scopes === null) continue;
    const reconnect =
      connection.kind === 'pit' ? pitFix : 'reconnect with `parley connect highlevel`, which asks for the planned set';
    if (scopes.missing.length > 0) {
      report(
        fail(
          `${name} scopes`,
          `missing ${describeMissing(scopes.missing).join(', ')}`,
          `${reconnect} (\`parley scopes\` lists it)`,
        ),
      );
    } else {
      report(ok(`${name} scopes`, 'every scope the enabled features need is granted'));
    }
    if (scopes.extra.length > 0) {
      report(
        warn(
          `${name} scopes`,
          `granted but not needed by the enabled features: ${scopes.extra.join(', ')}`,
          `least privilege: ${reconnect}, unless you are about to enable a feature that needs them`,
        ),
      );
    }
  }
  return sample;
}

const pitFix = 'edit the Private Integration token in HighLevel (Settings → Private Integrations) and connect it again';

function reportStatus(connection: Connection, deps: ConnectionCheckDeps, report: (r: CheckResult) => void): boolean {
  const name = `${connection.accountKey} status`;
  const reason = connection.statusReason ? `: ${connection.statusReason}` : '';
  const command = connection.provider === 'highlevel' ? 'parley connect highlevel' : 'parley connect accelevents';
  const now = deps.now();
  const status = displayStatus(connection, now, deps.config.refresh.marginSeconds * 1000);
  if (status === 'needs_reconnect') {
    report(fail(name, `needs_reconnect${reason}`, `reconnect with \`${command}\``));
    return false;
  }
  if (status === 'disabled') {
    report(warn(name, `disabled${reason}`, `reconnect with \`${command}\` to use it again`));
    return false;
  }
  const expiry =
    connection.expiresAt === null
      ? 'token does not expire'
      : `token expires ${relativeTime(connection.expiresAt, now)}`;
  if (connection.refreshFailuresToday > 0) {
    report(
      warn(
        name,
        `${status}, ${expiry}, ${connection.refreshFailuresToday} refresh failure(s) today`,
        'check the network path to HighLevel and HIGHLEVEL_CLIENT_SECRET; the probe below shows whether a refresh works now',
      ),
    );
  } else {
    report(ok(name, `${status}, ${expiry}`));
  }
  return true;
}

async function probe(
  connection: Connection,
  deps: ConnectionCheckDeps,
): Promise<{ result: CheckResult; sample: DateSample | null }> {
  const name = `${connection.accountKey} probe`;
  try {
    if (connection.provider === 'accelevents')
      return { result: await probeAccelevents(connection, deps), sample: null };
    if (connection.locationId === null) {
      // An agency token calls no conversations endpoint itself; getting it proves it is stored and refreshable.
      await deps.layer.tokenManager.getAccessToken(connection.id, {});
      return {
        result: ok(name, 'agency token available (its locations are probed as their own connections)'),
        sample: null,
      };
    }
    const locationId = connection.locationId;
    const client = createHighLevelClient({
      baseUrl: deps.config.highlevel.baseUrl,
      auth: {
        getAccessToken: ({ forceRefresh }) => deps.layer.tokenManager.getAccessToken(connection.id, { forceRefresh }),
      },
      fetch: deps.fetch,
      now: deps.now,
      maxRetries: 0,
      timeoutMs: PROBE_TIMEOUT_MS,
      logger: deps.logger,
    });
    const sentAt = deps.now();
    const answer = await client.call('search-conversation', { query: { locationId, limit: 1 }, locationId });
    const sample = { date: answer.headers.date ?? '', sentAt, receivedAt: deps.now() };
    return { result: ok(name, `search-conversation answered ${answer.status}`), sample };
  } catch (error) {
    return { result: fail(name, describeError(error).message, probeFix(connection, error, deps.config)), sample: null };
  }
}

async function probeAccelevents(connection: Connection, deps: ConnectionCheckDeps): Promise<CheckResult> {
  const name = `${connection.accountKey} probe`;
  const settings = connection.settings;
  const eventUrl = typeof settings.eventUrl === 'string' ? settings.eventUrl : null;
  if (eventUrl === null) {
    return warn(
      name,
      'no event URL stored to probe with',
      'reconnect with `parley connect accelevents --event <event url>`',
    );
  }
  const { apiKey } = await deps.layer.repository.readSecrets(connection.id);
  const client = createAcceleventsClient({
    baseUrl: typeof settings.baseUrl === 'string' ? settings.baseUrl : deps.config.accelevents.baseUrl,
    apiKey: apiKey ?? '',
    // The connection's own presets win: they are what `parley connect accelevents` probed successfully.
    readAuth: isAuthPreset(settings.readAuth) ? settings.readAuth : deps.config.accelevents.readAuth,
    writeAuth: isAuthPreset(settings.writeAuth) ? settings.writeAuth : deps.config.accelevents.writeAuth,
    fetch: deps.fetch,
    now: deps.now,
    maxRetries: 0,
    timeoutMs: PROBE_TIMEOUT_MS,
    logger: deps.logger,
  });
  const details = await client.getEventDetails(eventUrl);
  return ok(name, `event details answered for ${details.eventName ?? eventUrl}`);
}

function probeFix(connection: Connection, error: unknown, config: ParleyFileConfig): string {
  const { code } = describeError(error);
  const command = connection.provider === 'highlevel' ? 'parley connect highlevel' : 'parley connect accelevents';
  const baseUrl = connection.provider === 'highlevel' ? config.highlevel.baseUrl : config.accelevents.baseUrl;
  if (error instanceof HighLevelForbiddenError) {
    const scope = error.missingScope ? ` (${error.missingScope})` : '';
    return `the grant lacks a scope this call needs${scope}: reconnect with \`${command}\``;
  }
  if (code === 'unauthorized') return `the token or key was rejected: reconnect with \`${command}\``;
  if (code === 'network_error' || code === 'timeout') return `check the network path to ${baseUrl}`;
  if (code === 'rate_limited') return 'the rate limit is spent for now; run parley doctor again in a minute';
  return fixFor(code) ?? 'see the message; run with LOG_LEVEL=debug for details';
}

/**
 * With the `marketplace` feature off (the default), a sandbox-mode parley leaves its HighLevel
 * sandbox's developer portal empty, so no sandbox workflow can subscribe, and HighLevel's calls to
 * parley's marketplace routes answer 404 with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { type LaunchedParley, launchParley } from '../helpers/launch-parley.js';

describe.each(DATABASE_KINDS)('marketplace feature off [%s]', (kind) => {
  let parley: LaunchedParley;
  let highlevel: { url: string; locationId: string };
  beforeAll(async () => {
    parley = await launchParley({ kind, worker: false, prefix: 'parley-marketplace-off-' });
    highlevel = ((await (await fetch(`${parley.url}/sandbox-info`)).json()) as { highlevel: typeof highlevel })
      .highlevel;
  });
  afterAll(async () => parley?.stop());

  it('leaves the sandbox’s marketplace app unconfigured and says nothing of workflows in the banner', async () => {
    const app = await (await fetch(`${highlevel.url}/sandbox/marketplace-app`)).json();
    expect(app).toEqual({ subscriptionUrl: null, actionUrls: {}, headerNames: [] });
    expect(parley.banner).not.toContain('/sandbox/workflows');
  });

  it('refuses a sandbox workflow with 502 naming the missing subscription URL, and keeps none', async () => {
    const res = await fetch(`${highlevel.url}/sandbox/workflows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ locationId: highlevel.locationId, triggerKey: 'accelevents_attendee_registered' }),
    });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { message: string }).message).toContain('no subscription URL is configured');
    expect(await (await fetch(`${highlevel.url}/sandbox/workflows`)).json()).toEqual({ workflows: [] });
  });

  it('answers HighLevel’s subscription call with 404 marketplace_disabled', async () => {
    const res = await fetch(`${parley.url}/marketplace/triggers/subscription`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({}),
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('marketplace_disabled');
  });
});

import { expect, it } from 'vitest';
import { createOAuthStateStore, hashState, STATE_TTL_MS } from '../../../src/connect/highlevel/oauth-state-store.js';
import { describeEachDatabase } from '../../helpers/databases.js';

describeEachDatabase('HighLevel OAuth state store', (getStore) => {
  const clock = { t: Date.UTC(2026, 0, 5, 12) };
  const store = () => createOAuthStateStore({ db: getStore().db, now: () => clock.t });

  /** Creates an operator's state; answers it with every stored row. */
  async function createState() {
    const created = await store().create({
      redirectUri: 'http://127.0.0.1:1/oauth/highlevel/callback',
      scopes: ['conversations.readonly', 'contacts.write'],
      owner: 'operator',
    });
    const rows = await getStore().db.selectFrom('oauth_states').selectAll().execute();
    return { created, rows };
  }

  it('creates a 32-byte state that expires in 10 minutes', async () => {
    const { created } = await createState();
    expect(Buffer.from(created.state, 'base64url')).toHaveLength(32);
    expect(created.expiresAt).toBe(clock.t + STATE_TTL_MS);
  });

  it('stores the redirect URI with the scopes under the SHA-256 of the state', async () => {
    const { created, rows } = await createState();
    const row = rows.find((r) => r.state_hash === hashState(created.state));
    expect(row).toMatchObject({
      provider: 'highlevel',
      redirect_uri: 'http://127.0.0.1:1/oauth/highlevel/callback',
      scopes: 'conversations.readonly contacts.write',
      used_at: null,
    });
  });

  it('never stores the state itself', async () => {
    const { created, rows } = await createState();
    expect(JSON.stringify(rows)).not.toContain(created.state);
  });

  it('consumes a state once: the second use is "used", a made-up one "unknown", none "missing"', async () => {
    const { state } = await store().create({ redirectUri: 'http://x/cb', scopes: ['a', 'b'], owner: 'operator' });
    expect(await store().consume(state)).toEqual({ ok: true, redirectUri: 'http://x/cb', scopes: ['a', 'b'] });
    expect(await store().wasUsed(state)).toBe(true);
    expect(await store().consume(state)).toEqual({ ok: false, reason: 'used' });
    expect(await store().consume('made-up-state')).toEqual({ ok: false, reason: 'unknown' });
    expect(await store().consume(undefined)).toEqual({ ok: false, reason: 'missing' });
  });

  /** Creates a state, moves the clock to its expiry, and tries to consume it. */
  async function consumeAtExpiry() {
    const { state } = await store().create({ redirectUri: 'http://x/cb', scopes: ['a'], owner: 'operator' });
    clock.t += STATE_TTL_MS;
    return { state, result: await store().consume(state) };
  }

  it('refuses a state at its 10-minute expiry', async () => {
    const { result } = await consumeAtExpiry();
    expect(result).toEqual({ ok: false, reason: 'expired' });
  });

  it('keeps an expired state unused', async () => {
    const { state } = await consumeAtExpiry();
    expect(await store().wasUsed(state)).toBe(false);
  });

  it('lets exactly one of ten concurrent callbacks with the same state win', async () => {
    const { state } = await store().create({ redirectUri: 'http://x/cb', scopes: ['a'], owner: 'operator' });
    const results = await Promise.all(Array.from({ length: 10 }, () => store().consume(state)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === 'used')).toHaveLength(9);
  });

  it('consumes a state started from a console session only with that session, leaving it unused when refused', async () => {
    const { state } = await store().create({ redirectUri: 'http://x/cb', scopes: ['a'], owner: { sessionId: 'mine' } });
    const row = await getStore()
      .db.selectFrom('oauth_states')
      .select('session_sha256')
      .where('state_hash', '=', hashState(state))
      .executeTakeFirstOrThrow();
    expect(row.session_sha256).toBe(hashState('mine'));
    expect(await store().consume(state)).toEqual({ ok: false, reason: 'no_session' });
    expect(await store().consume(state, { sessionIds: ['theirs'] })).toEqual({ ok: false, reason: 'other_session' });
    expect(await store().wasUsed(state)).toBe(false);
    expect(await store().consume(state, { sessionIds: ['theirs', 'mine'] })).toMatchObject({ ok: true });
  });

  it('deletes expired states when the next one is created', async () => {
    const { state } = await store().create({ redirectUri: 'http://x/cb', scopes: ['a'], owner: 'operator' });
    clock.t += STATE_TTL_MS;
    await store().create({ redirectUri: 'http://x/cb', scopes: ['a'], owner: 'operator' });
    expect(await store().consume(state)).toEqual({ ok: false, reason: 'unknown' });
    const rows = await getStore().db.selectFrom('oauth_states').select('expires_at').execute();
    expect(rows.every((r) => Number(r.expires_at) > clock.t)).toBe(true);
  });
});

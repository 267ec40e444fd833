/**
 * API token use is written off the request path (src/console/auth/token-use-recorder.ts): a token's
 * first use soon, later ones at most once per interval per token, never moving the time back, and
 * what is still noted at shutdown is written then. Real database (both kinds); the clock and the timer
 * are injected.
 */
import { beforeEach, expect, it } from 'vitest';
import { createTokenUseRecorder } from '../../../src/console/auth/token-use-recorder.js';
import { addUser, createApiToken } from '../../../src/console/auth/user-accounts.js';
import { createLogger } from '../../../src/lib/create-logger.js';
import type { Store } from '../../../src/store/open-database.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { TEST_PASSWORD_COST } from '../../helpers/password-cost.js';

const INTERVAL = 60_000;

describeEachDatabase('API token use recording', (getStore: () => Store) => {
  let clock = 0;
  let timers: { run: () => void; at: number }[] = [];
  const recorder = () =>
    createTokenUseRecorder({
      db: getStore().db,
      logger: createLogger({ level: 'silent' }),
      intervalMs: INTERVAL,
      clock: () => clock,
      setTimer: (run, ms) => {
        const timer = { run, at: clock + ms };
        timers.push(timer);
        return timer;
      },
      clearTimer: (timer) => {
        timers = timers.filter((t) => t !== timer);
      },
    });
  /** Runs the timers due at the clock's time, then waits for the writes they started. */
  async function runDueTimers(uses: { flush(): Promise<void> }): Promise<void> {
    const due = timers.filter((t) => t.at <= clock);
    timers = timers.filter((t) => t.at > clock);
    for (const timer of due) timer.run();
    // flush() queues behind a write in flight; with nothing else noted it writes nothing more.
    await uses.flush();
  }
  let users = 0;
  async function newToken(): Promise<string> {
    const email = `token-use-${++users}@parley.test`;
    await addUser(getStore().db, {
      email,
      password: 'a long enough password',
      role: 'viewer',
      passwordCost: TEST_PASSWORD_COST,
    });
    return (await createApiToken(getStore().db, { email, name: 'tests' })).id;
  }
  const lastUsed = async (id: string) => {
    const row = await getStore()
      .db.selectFrom('api_tokens')
      .select('last_used_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return row.last_used_at === null ? null : Number(row.last_used_at);
  };

  beforeEach(() => {
    clock = 1_000_000;
    timers = [];
  });

  it("writes a token's first use at once", async () => {
    const uses = recorder();
    const id = await newToken();
    uses.record(id, 111);
    expect(await lastUsed(id)).toBeNull(); // noting a use never writes
    expect(timers.map((t) => t.at)).toEqual([clock]);
    await runDueTimers(uses);
    expect(await lastUsed(id)).toBe(111);
    await uses.close();
  });

  it("writes a token's later uses at most once per interval", async () => {
    const uses = recorder();
    const id = await newToken();
    uses.record(id, 111);
    await runDueTimers(uses);
    uses.record(id, 222);
    uses.record(id, 333);
    expect(timers.map((t) => t.at)).toEqual([clock + INTERVAL]);
    expect(await lastUsed(id)).toBe(111);
    clock += INTERVAL;
    await runDueTimers(uses);
    expect(await lastUsed(id)).toBe(333);
    await uses.close();
  });

  /** Two tokens: the first used at 500 and written, then the second used at 400 and the first at 300. */
  async function twoTokensUsed() {
    const uses = recorder();
    const first = await newToken();
    const second = await newToken();
    uses.record(first, 500);
    await runDueTimers(uses);
    uses.record(second, 400);
    const dueAfterSecond = timers.map((t) => t.at);
    uses.record(first, 300);
    return { uses, first, second, dueAfterSecond };
  }

  it('spaces the writes of each token on its own', async () => {
    const { uses, dueAfterSecond } = await twoTokensUsed();
    expect(dueAfterSecond).toEqual([clock]); // the other token's write does not hold this one back
    await uses.close();
  });

  it("never moves a token's last use back", async () => {
    const { uses, first } = await twoTokensUsed();
    await uses.close();
    expect(await lastUsed(first)).toBe(500);
  });

  it('writes the uses left on close', async () => {
    const { uses, second } = await twoTokensUsed();
    await uses.close();
    expect(await lastUsed(second)).toBe(400);
  });
});

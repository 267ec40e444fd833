/**
 * A clock and an abortable sleep that only move when the test says so, for scheduler tests that
 * must not depend on timing: tests advance an injected clock instead of sleeping.
 */
interface Timer {
  at: number;
  resolve: () => void;
}

export interface FakeClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Moves time forward by `ms`, firing due sleeps in order and letting their continuations run. */
  advance(ms: number): Promise<void>;
  /** Lets pending promise continuations and I/O callbacks run without moving time. */
  settle(): Promise<void>;
}

export function createFakeClock(start: number): FakeClock {
  let time = start;
  let timers: Timer[] = [];

  async function settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  return {
    now: () => time,
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const timer: Timer = {
          at: time + ms,
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          timers = timers.filter((t) => t !== timer);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        timers.push(timer);
      });
    },
    async advance(ms) {
      const target = time + ms;
      await settle();
      for (;;) {
        const due = timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        time = Math.max(time, due.at);
        due.resolve();
        await settle();
      }
      time = target;
      await settle();
    },
    settle,
  };
}

/**
 * Startup steps that give way to a stop: `untilStopped(stop, work)` settles like `work`, unless `stop`
 * is aborted first; then it rejects with `stop.reason` at once, and whatever `work` still produces is
 * handed to `dispose` (a store that finished opening is closed again). A database that does not answer
 * therefore cannot keep a stopped process starting.
 */
export function untilStopped<T>(stop: AbortSignal, work: Promise<T>, dispose?: (value: T) => unknown): Promise<T> {
  const abandon = () => {
    work.then(
      (value) => Promise.resolve(dispose?.(value)).catch(() => {}),
      () => {}, // Nobody waits for it any more; its failure is a consequence of the stop.
    );
  };
  if (stop.aborted) {
    abandon();
    return Promise.reject(stop.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      abandon();
      reject(stop.reason);
    };
    stop.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        stop.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        stop.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Resolves when `stop` is aborted. */
export function stopped(stop: AbortSignal): Promise<void> {
  if (stop.aborted) return Promise.resolve();
  return new Promise((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }));
}

/** Closers run last-opened first; one that fails is logged and the rest still run. */
export class Closers {
  readonly #closers: { name: string; close: () => Promise<unknown> | unknown }[] = [];

  add(name: string, close: () => Promise<unknown> | unknown): void {
    this.#closers.push({ name, close });
  }

  async closeAll(onError: (name: string, error: unknown) => void): Promise<void> {
    for (let next = this.#closers.pop(); next; next = this.#closers.pop()) {
      try {
        await next.close();
      } catch (error) {
        onError(next.name, error);
      }
    }
  }
}

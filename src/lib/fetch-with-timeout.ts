/**
 * One outbound HTTP attempt with a deadline, shared by the HighLevel client, the HighLevel OAuth token
 * client and the Accelevents client. The timer covers the whole attempt, body included (a stalled body
 * is as stuck as no answer), and a caller's AbortSignal cancels it. Transport failures come back as a
 * value, so each boundary turns them into its own typed error; a caller's abort is rethrown as its reason.
 */
export type Fetched =
  | { ok: true; response: Response; bytes: Buffer }
  | { ok: false; cause: unknown; timedOut: boolean };

export async function fetchWithTimeout(
  fetchImpl: typeof globalThis.fetch,
  url: string | URL,
  init: Omit<RequestInit, 'signal'>,
  options: { timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<Fetched> {
  const { timeoutMs, signal } = options;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onCallerAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onCallerAbort, { once: true });
  try {
    const response = await fetchImpl(url, { ...init, signal: controller.signal });
    const bytes = Buffer.from(await response.arrayBuffer());
    return { ok: true, response, bytes };
  } catch (cause) {
    if (signal?.aborted) throw signal.reason;
    return { ok: false, cause, timedOut };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onCallerAbort);
  }
}

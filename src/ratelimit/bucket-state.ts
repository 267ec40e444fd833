/**
 * One (app, location) token bucket as plain data, and the two pure rules both storage modes obey:
 * taking a token and learning from a response. The fields are the columns of `rate_limit_state`
 * (migration 0001), so the shared mode stores exactly this.
 *
 * Window model. HighLevel allows `X-RateLimit-Max` requests per `X-RateLimit-Interval-Milliseconds`
 * (https://marketplace.gohighlevel.com/docs/other/rate-limits); the sandbox emulates it as a fixed
 * window that opens with the first request after the previous one closed
 * (src/sandbox/highlevel/rate-limiter.ts). We cannot see when the server opened its window, only when
 * we sent and when the answer came. The answer that
 * reports `remaining = max - 1` opened the server window, at some moment before we received it, so
 * re-anchoring our window start to that receive time can only make us wait too long, never too short.
 *
 * Held windows. A new window lets exactly one request out and holds the rest (stored as a negative
 * `remaining`) until that request's answer re-anchors the window, or a quarter of the interval
 * passes without one. Released together with the first request, the flood of the others delays its
 * answer (in-process, 20–80 ms per 1 s window in our measurements), and every millisecond of that
 * delay is a millisecond of the next window thrown away; alone, the first answer is back in one
 * round trip.
 *
 * Requests in flight across a window boundary. Our window is anchored at the moment an answer
 * came back, so it ends no earlier than the server's; a request granted near its end can still reach
 * HighLevel after the server's window rolled, and then spends a token of the next window that the
 * next window's count does not know about. Under network jitter or a slowed process that happens
 * often (docs/highlevel-api.md, "Pacing under jitter"). Two rules, both fed by `InFlight`, the
 * scheduler's own record of what it granted and has not seen answered:
 * - the tail guard: no token is taken in the last `marginMs` of a window (the slowest recent
 *   grant → answer time, at most a quarter of the interval); such a request waits for the next window;
 * - the hold-back: requests granted before the current window opened and still unanswered are
 *   subtracted from what the window can give, whenever its count is set from an answer or a release.
 * Both cost nothing when answers are fast: the margin is a few ms and nothing is in flight at a roll.
 *
 * Several processes (shared mode). One process's `InFlight` knows only its own calls, and another
 * process's calls in flight at a roll would spend tokens the new window's count does not know about.
 * So a shared row also carries every process's calls in flight (`CallsInFlight`): a grant counts one
 * up in the window it was granted in, an answer counts one down, and the hold-back reads the row.
 * A process that dies leaves its count behind; a count is forgotten one to two `STRAY_LEASE_MS`
 * after its window closed, by when every call of it has been answered or given up.
 *
 * `max = 0` marks a bucket that has never seen a response: it lends exactly one probe token until
 * the first answer tells us the real limits, so a sandbox or plan with a smaller burst than the
 * documented 100 is never overrun while the seed is still a guess.
 */

export interface BucketState {
  /** Requests per window; 0 until the first response is seen. */
  max: number;
  remaining: number;
  intervalMs: number;
  dailyLimit: number;
  dailyRemaining: number;
  /** Epoch ms; the window ends at `windowStartedAt + intervalMs`. A pause sets it into the future. */
  windowStartedAt: number;
  /** Epoch ms of the last change; its UTC day is the day `dailyRemaining` counts. */
  updatedAt: number;
  /**
   * False from the moment we open a window until its first answer arrives (absent counts as true).
   * Until then `windowStartedAt` is only our send time, and the server's window may have opened later.
   */
  confirmed?: boolean;
  /** Shared mode only: every process's calls in flight (absent in memory mode, where `InFlight` is complete). */
  calls?: CallsInFlight;
}

/**
 * The calls all processes have granted for a bucket and not yet seen answered, as counts in its row
 * (migration 0017). Calls of earlier windows are kept in two lease slots by when their window closed,
 * so a count nobody will ever answer (its process died) ages out however busy the bucket stays.
 */
export interface CallsInFlight {
  /** When the current window was opened (its first grant); answers re-anchor `windowStartedAt`, not this. */
  openedAt: number;
  /** Unanswered calls granted since `openedAt`. */
  current: number;
  /** Unanswered calls of earlier windows that closed in lease slot `straysSlot`… */
  strays: number;
  /** …and in slot `straysSlot - 1`. */
  olderStrays: number;
  straysSlot: number;
}

/**
 * How long a closed window's unanswered calls are held back at least (at most twice as long). The
 * client gives up an attempt after 30 s (src/highlevel/client-types.ts, `timeoutMs`); the scheduler
 * forgets its own grants after the same 60 s.
 */
export const STRAY_LEASE_MS = 60_000;

function straysSlotAt(now: number): number {
  return Math.floor(now / STRAY_LEASE_MS);
}

/** Unanswered calls of earlier windows that are still within their lease at `now`. */
export function straysAt(calls: CallsInFlight, now: number): number {
  const slot = straysSlotAt(now);
  return (calls.straysSlot >= slot - 1 ? calls.strays : 0) + (calls.straysSlot >= slot ? calls.olderStrays : 0);
}

/** The counts once a new window opens at `now` with `opener` calls: the closing window's calls become strays. */
export function rollCalls(state: BucketState, now: number, opener: number): CallsInFlight | undefined {
  const calls = state.calls;
  if (!calls) return undefined;
  const slot = straysSlotAt(now);
  // A window that closed a whole lease ago has no call left in flight, whatever its count says.
  const carried = windowEnd(state) > now - STRAY_LEASE_MS ? calls.current : 0;
  const sameSlot = calls.straysSlot >= slot;
  return {
    openedAt: now,
    current: opener,
    strays: (sameSlot ? calls.strays : 0) + carried,
    olderStrays: sameSlot ? calls.olderStrays : calls.straysSlot === slot - 1 ? calls.strays : 0,
    straysSlot: Math.max(calls.straysSlot, slot),
  };
}

/**
 * One answered call, granted in the window opened at `grantOpenedAt`, counted down. Which call an
 * answer belongs to is a guess (see create-rate-scheduler.ts); a wrong guess only moves one count
 * between the current window and the strays, which holds back more, never less.
 */
export function retireCall(calls: CallsInFlight, grantOpenedAt: number, now: number): CallsInFlight {
  if (grantOpenedAt === calls.openedAt) return { ...calls, current: Math.max(0, calls.current - 1) };
  const slot = straysSlotAt(now);
  if (calls.straysSlot >= slot - 1 && calls.strays > 0) return { ...calls, strays: calls.strays - 1 };
  if (calls.straysSlot >= slot && calls.olderStrays > 0) return { ...calls, olderStrays: calls.olderStrays - 1 };
  return calls;
}

/** The hold-back's view of a shared row: every process's calls, instead of this process's own. */
export function rowInFlight(state: BucketState, now: number, marginMs: number): InFlight {
  const calls = state.calls;
  if (!calls) return { grantedBefore: () => 0, marginMs };
  const strays = straysAt(calls, now);
  return {
    // Calls since the window opened belong to it; once it is over, every call in flight is a stray.
    grantedBefore: (t) => (t >= windowEnd(state) ? strays + calls.current : strays),
    marginMs,
  };
}

/** This process's unanswered requests for one bucket (create-rate-scheduler.ts keeps them). */
export interface InFlight {
  /** At least the number of this process's unanswered requests granted before `t` (epoch ms). */
  grantedBefore(t: number): number;
  /** The slowest recent grant → answer time, in ms: no token is taken this close to a window's end. */
  marginMs: number;
  /** Shared mode, at an answer: `CallsInFlight.openedAt` of the grant the answer retires (null: none known). */
  retiring?: number | null;
}

export const NOTHING_IN_FLIGHT: InFlight = { grantedBefore: () => 0, marginMs: 0 };

/** The tail guard never closes more than this share of a window, so a slow spell cannot starve it. */
export function tailGuardMs(state: BucketState, inFlight: InFlight): number {
  return Math.min(inFlight.marginMs, Math.floor(state.intervalMs / 4));
}

export interface RateDefaults {
  max: number;
  intervalMs: number;
  dailyLimit: number;
}

/**
 * HighLevel's documented limits, 100 per 10 s and 200,000 a day
 * (https://marketplace.gohighlevel.com/docs/other/rate-limits).
 */
export const HIGHLEVEL_DEFAULTS: RateDefaults = { max: 100, intervalMs: 10_000, dailyLimit: 200_000 };

export interface ObservedFacts {
  status: number | null;
  rateLimit: {
    max: number | null;
    remaining: number | null;
    intervalMs: number | null;
    dailyLimit: number | null;
    dailyRemaining: number | null;
  } | null;
  /** From `Retry-After`, which HighLevel does not document but a proxy (or our sandbox) may send. */
  retryAfterMs?: number | null;
}

export type TakeOutcome =
  | { ok: true; state: BucketState }
  | { ok: false; reason: 'burst' | 'daily'; waitMs: number; state: BucketState };

export const DAY_MS = 86_400_000;

/**
 * HighLevel does not say when its daily budget resets; we assume the UTC day (as the sandbox does)
 * and let `X-RateLimit-Daily-Remaining` correct us.
 */
export function nextDayStart(now: number): number {
  return (Math.floor(now / DAY_MS) + 1) * DAY_MS;
}

export function windowEnd(state: BucketState): number {
  return state.windowStartedAt + state.intervalMs;
}

/** A never-seen bucket: one probe token in a window that is already open. */
export function seedBucket(defaults: RateDefaults, now: number): BucketState {
  return {
    max: 0,
    remaining: 1,
    intervalMs: defaults.intervalMs,
    dailyLimit: defaults.dailyLimit,
    dailyRemaining: defaults.dailyLimit,
    windowStartedAt: now,
    updatedAt: now,
  };
}

/** Tokens held back from each window for requests still in flight; never the last token. */
export function reserveFor(max: number, safety: number): number {
  return max > safety ? safety : 0;
}

function rollDay(state: BucketState, now: number): BucketState {
  if (Math.floor(state.updatedAt / DAY_MS) === Math.floor(now / DAY_MS)) return state;
  return { ...state, dailyRemaining: state.dailyLimit };
}

/** Until then a held window waits for its first answer; after it, the held tokens are released anyway. */
export function holdEnd(state: BucketState): number {
  return state.windowStartedAt + Math.floor(state.intervalMs / 4);
}

/** Tokens the window can still give, whether held or not. */
export function available(state: BucketState): number {
  return Math.abs(state.remaining);
}

export function takeToken(
  current: BucketState,
  now: number,
  safety: number,
  inFlight: InFlight = NOTHING_IN_FLIGHT,
): TakeOutcome {
  let state = rollDay(current, now);
  if (state.dailyRemaining <= 0) return { ok: false, reason: 'daily', waitMs: nextDayStart(now) - now, state };
  const dailyRemaining = state.dailyRemaining - 1;
  if (now >= windowEnd(state) && (state.confirmed !== false || now >= windowEnd(state) + state.intervalMs)) {
    // One request opens the window; the others are held until its answer (see "Held windows").
    const remaining = 1 - Math.max(state.max, 1);
    const calls = rollCalls(state, now, 1);
    return {
      ok: true,
      state: {
        ...state,
        windowStartedAt: now,
        remaining,
        dailyRemaining,
        updatedAt: now,
        confirmed: false,
        ...(calls ? { calls } : {}),
      },
    };
  }
  if (now >= windowEnd(state)) {
    // No answer came back in the whole window: the server's window may have opened up to one answer's
    // delay after ours, so a new one now could land in it. Wait (bounded by a second interval).
    return { ok: false, reason: 'burst', waitMs: Math.max(1, windowEnd(state) + state.intervalMs - now), state };
  }
  if (state.remaining < 0) {
    if (now < holdEnd(state)) return { ok: false, reason: 'burst', waitMs: holdEnd(state) - now, state };
    state = { ...state, remaining: Math.max(0, -state.remaining - inFlight.grantedBefore(state.windowStartedAt)) };
  }
  if (now >= windowEnd(state) - tailGuardMs(state, inFlight)) {
    // The tail guard (see "Requests in flight across a window boundary").
    return { ok: false, reason: 'burst', waitMs: Math.max(1, windowEnd(state) - now), state };
  }
  if (state.remaining > reserveFor(state.max, safety)) {
    const calls = state.calls && { ...state.calls, current: state.calls.current + 1 };
    return {
      ok: true,
      state: { ...state, remaining: state.remaining - 1, dailyRemaining, updatedAt: now, ...(calls ? { calls } : {}) },
    };
  }
  return { ok: false, reason: 'burst', waitMs: Math.max(1, windowEnd(state) - now), state };
}

export interface Observed {
  state: BucketState;
  /** Set when the answer was a 429: nothing is sent for this bucket before then. */
  pausedUntil: number | null;
}

export function observeResponse(
  current: BucketState,
  facts: ObservedFacts,
  now: number,
  defaults: RateDefaults,
  inFlight: InFlight = NOTHING_IN_FLIGHT,
): Observed {
  let state = rollDay(current, now);
  const rl = facts.rateLimit;
  if (facts.status === null) {
    // No answer, so nothing learned. A probe gets a successor; a held window is given up, and the
    // next request opens a new one (if the lost request did reach HighLevel, that only makes us late).
    if (state.max === 0) return { state: { ...state, remaining: Math.max(state.remaining, 1) }, pausedUntil: null };
    if (state.remaining < 0) {
      return { state: { ...state, windowStartedAt: now - state.intervalMs, confirmed: true }, pausedUntil: null };
    }
    return { state, pausedUntil: null };
  }
  const calibrating = state.max === 0;
  state = {
    ...state,
    max: rl?.max ?? (calibrating ? defaults.max : state.max),
    intervalMs: rl?.intervalMs ?? state.intervalMs,
    dailyLimit: rl?.dailyLimit ?? state.dailyLimit,
    updatedAt: now,
  };
  if (rl?.dailyRemaining != null) {
    // Our count runs ahead of the header by the requests in flight; a header far above it means a reset we did not predict.
    const reset = rl.dailyRemaining > state.dailyRemaining + state.max;
    state.dailyRemaining = reset ? rl.dailyRemaining : Math.min(state.dailyRemaining, rl.dailyRemaining);
  }

  if (facts.status === 429) {
    // HighLevel documents no Retry-After (docs/highlevel-api.md); the burst interval is the floor.
    const pausedUntil = now + (facts.retryAfterMs ?? rl?.intervalMs ?? state.intervalMs);
    const windowStartedAt = Math.max(state.windowStartedAt, pausedUntil - state.intervalMs);
    return { state: { ...state, remaining: 0, windowStartedAt, confirmed: true }, pausedUntil };
  }

  const reported = rl?.remaining ?? null;
  if (calibrating) {
    // The window start is unknown unless this answer opened it; now is the safe guess either way.
    return {
      state: { ...state, windowStartedAt: now, remaining: reported ?? state.max - 1, confirmed: true },
      pausedUntil: null,
    };
  }
  if (now >= windowEnd(state)) {
    // Our window is over. Only an answer that opened a new server window tells us about the present;
    // any other is a late answer from the window that just closed.
    if (reported === null || (reported < state.max - 1 && state.confirmed !== false))
      return { state, pausedUntil: null };
    // Everything of ours still in flight may land in this new server window.
    const remaining = Math.max(0, reported - inFlight.grantedBefore(now));
    const calls = rollCalls(state, now, 0);
    return {
      state: { ...state, windowStartedAt: now, remaining, confirmed: true, ...(calls ? { calls } : {}) },
      pausedUntil: null,
    };
  }
  if (reported === null) {
    // HighLevel's rate-limits page says every answer carries the headers; without them, release and
    // anchor at now.
    const unanchored = state.remaining < 0 || state.confirmed === false;
    const windowStartedAt = unanchored ? Math.max(state.windowStartedAt, now) : state.windowStartedAt;
    return { state: { ...state, windowStartedAt, remaining: available(state), confirmed: true }, pausedUntil: null };
  }
  // The server opened its window no later than it answered: the first answer of a window we opened
  // (whatever it reports: held requests released after holdEnd can reach the server before the one
  // that opened our window) and an answer reporting max - 1 both move our start up to now.
  const openedServerWindow = reported >= state.max - 1 || state.confirmed === false;
  // Within a window the count only goes down: answers arrive out of order, and the lowest is the latest.
  const windowStartedAt = openedServerWindow ? Math.max(state.windowStartedAt, now) : state.windowStartedAt;
  // The hold-back: our requests granted before this window opened (before the opener we sent, while
  // it is unconfirmed) and not yet answered may still land in it; the header has not counted them.
  const openedAt = state.confirmed === false ? state.windowStartedAt : windowStartedAt;
  const remaining = Math.max(0, Math.min(available(state), reported - inFlight.grantedBefore(openedAt)));
  return { state: { ...state, windowStartedAt, remaining, confirmed: true }, pausedUntil: null };
}

export function sameState(a: BucketState, b: BucketState): boolean {
  return (
    a.max === b.max &&
    a.remaining === b.remaining &&
    a.intervalMs === b.intervalMs &&
    a.dailyLimit === b.dailyLimit &&
    a.dailyRemaining === b.dailyRemaining &&
    a.windowStartedAt === b.windowStartedAt &&
    (a.confirmed !== false) === (b.confirmed !== false) &&
    sameCalls(a.calls, b.calls)
  );
}

function sameCalls(a: CallsInFlight | undefined, b: CallsInFlight | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.openedAt === b.openedAt &&
    a.current === b.current &&
    a.strays === b.strays &&
    a.olderStrays === b.olderStrays &&
    a.straysSlot === b.straysSlot
  );
}

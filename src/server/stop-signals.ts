/**
 * SIGINT and SIGTERM for `parley start`, `serve` and `worker`: the first asks for a clean stop (an
 * AbortSignal that startup and the running server both watch), a second forces the exit. Handlers
 * are installed before anything is opened, so a signal during startup is never lost or ignored.
 * Backstops keep "stop" meaning stop: a clean stop that hangs is forced after a grace period, and once
 * the command has returned, work it abandoned during startup (a connection attempt still waiting on
 * an unreachable database) does not hold the process open.
 */
export type StopSignalName = 'SIGINT' | 'SIGTERM';

/** The slice of `process` this needs, injected so the behaviour can be exercised without real signals. */
export interface SignalProcess {
  on(signal: StopSignalName, listener: () => void): unknown;
  off(signal: StopSignalName, listener: () => void): unknown;
  exit(code: number): void;
  /** The exit code the command set, used when the backstop ends the process after it returned. */
  readonly exitCode?: number | string | null | undefined;
}

export interface StopSignalOptions {
  /** How long a clean stop of a running server may take before it is forced. Default 20 s. */
  runningGraceMs?: number;
  /** The same during startup, where nothing is in flight that needs draining. Default 2 s. */
  startingGraceMs?: number;
  /** After the command returned, how long before whatever is left is ended. Default 250 ms. */
  lingerMs?: number;
  setTimer?: (run: () => void, ms: number) => { unref(): unknown };
}

export interface StopSignals {
  /** Aborted on the first SIGINT or SIGTERM. */
  signal: AbortSignal;
  /** Startup finished: a stop from now on drains work, so it gets the longer grace. */
  running(): void;
  /** The command returned (or threw): uninstall the handlers; end the process if something still holds it. */
  finished(): void;
}

/** Shells report a process ended by signal N as 128 + N. */
const SIGNAL_EXIT: Record<StopSignalName, number> = { SIGINT: 130, SIGTERM: 143 };

export function listenForStopSignals(proc: SignalProcess, options: StopSignalOptions = {}): StopSignals {
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
  const controller = new AbortController();
  let started = false;
  // Timers are unref'd: they end a process something else keeps alive, and never keep one alive.
  const later = (run: () => void, ms: number) => void setTimer(run, ms).unref();

  const handler = (name: StopSignalName) => () => {
    if (controller.signal.aborted) {
      proc.exit(SIGNAL_EXIT[name]);
      return;
    }
    controller.abort(new Error(`stopped by ${name}`));
    later(
      () => proc.exit(SIGNAL_EXIT[name]),
      started ? (options.runningGraceMs ?? 20_000) : (options.startingGraceMs ?? 2_000),
    );
  };
  const listeners = { SIGINT: handler('SIGINT'), SIGTERM: handler('SIGTERM') };
  for (const [name, listener] of Object.entries(listeners)) proc.on(name as StopSignalName, listener);

  return {
    signal: controller.signal,
    running() {
      started = true;
    },
    finished() {
      for (const [name, listener] of Object.entries(listeners)) proc.off(name as StopSignalName, listener);
      later(() => proc.exit(Number(proc.exitCode ?? 0) || 0), options.lingerMs ?? 250);
    },
  };
}

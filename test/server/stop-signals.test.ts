/**
 * listenForStopSignals on an event emitter standing in for `process`, with timers run by hand: the first
 * signal asks for a clean stop, a second forces the exit, and the backstops end a process that a clean
 * stop could not. (Real processes are stopped by SIGTERM in test/cli/start-modes.test.ts.)
 */
import { EventEmitter } from 'node:events';
import { expect, it } from 'vitest';
import { listenForStopSignals, type SignalProcess } from '../../src/server/stop-signals.js';

function fakeProcess() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  const timers: { run: () => void; ms: number; unref: boolean }[] = [];
  const proc: SignalProcess & { exitCode?: number } = {
    on: (signal, listener) => emitter.on(signal, listener),
    off: (signal, listener) => emitter.off(signal, listener),
    exit: (code) => void exits.push(code),
  };
  const setTimer = (run: () => void, ms: number) => {
    const timer = { run, ms, unref: false };
    timers.push(timer);
    return {
      unref() {
        timer.unref = true;
      },
    };
  };
  return { proc, emitter, exits, timers, setTimer };
}

it('aborts the stop signal on the first SIGTERM, without exiting', () => {
  const { proc, emitter, exits, setTimer } = fakeProcess();
  const stops = listenForStopSignals(proc, { setTimer });
  expect(stops.signal.aborted).toBe(false);
  emitter.emit('SIGTERM');
  expect(stops.signal.aborted).toBe(true);
  expect(exits).toEqual([]);
});

it('forces the exit on a second signal, with 128 + its number', () => {
  const { proc, emitter, exits, setTimer } = fakeProcess();
  listenForStopSignals(proc, { setTimer });
  emitter.emit('SIGTERM');
  emitter.emit('SIGINT');
  expect(exits).toEqual([130]);
});

it('forces a stop that is still running after the grace period: the short one during startup, the long one after', () => {
  for (const phase of ['starting', 'running'] as const) {
    const { proc, emitter, exits, timers, setTimer } = fakeProcess();
    const stops = listenForStopSignals(proc, { setTimer, startingGraceMs: 2_000, runningGraceMs: 20_000 });
    if (phase === 'running') stops.running();
    emitter.emit('SIGTERM');
    expect(timers.map((t) => ({ ms: t.ms, unref: t.unref }))).toEqual([
      { ms: phase === 'running' ? 20_000 : 2_000, unref: true },
    ]);
    timers[0]!.run();
    expect(exits).toEqual([143]);
  }
});

/** Stop signals listened for with a 250 ms linger, and the command already returned. */
function afterTheCommand() {
  const fake = fakeProcess();
  const stops = listenForStopSignals(fake.proc, { setTimer: fake.setTimer, lingerMs: 250 });
  stops.finished();
  return fake;
}

it('stops listening for signals once the command has returned', () => {
  const { emitter } = afterTheCommand();
  expect(emitter.listenerCount('SIGTERM') + emitter.listenerCount('SIGINT')).toBe(0);
});

it('ends what is left after the command returned with the exit code it set', () => {
  const { proc, exits, timers } = afterTheCommand();
  proc.exitCode = 2;
  expect(timers.map((t) => ({ ms: t.ms, unref: t.unref }))).toEqual([{ ms: 250, unref: true }]);
  timers[0]!.run();
  expect(exits).toEqual([2]);
});

/**
 * Where a process's logs go, decided once. `start`, `serve` and `worker` log to stdout at LOG_LEVEL
 * (default `info`), as a service does. Every other command answers on stdout, so its logs go to stderr,
 * and only warnings and errors show unless LOG_LEVEL says otherwise: a `parley inbox list` piped into
 * another program stays clean. A `report` command (`doctor`, `ghl`) already reports every problem in
 * its answer, so its logs are off unless LOG_LEVEL turns them on.
 */
import { createLogger, type Logger } from '../lib/create-logger.js';

export type LogRole = 'service' | 'command' | 'report';

export function processLogger(env: NodeJS.ProcessEnv, role: LogRole, name = 'parley'): Logger {
  if (role === 'service') return createLogger({ level: env.LOG_LEVEL ?? 'info', name });
  const level = env.LOG_LEVEL ?? (role === 'report' ? 'silent' : 'warn');
  return createLogger({ level, destination: process.stderr, name });
}

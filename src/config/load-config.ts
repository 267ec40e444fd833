/**
 * Typed configuration, parsed once at startup from the environment.
 * A bad value stops startup with an error naming the variable and what was expected.
 */
import { z } from 'zod';
import { ParleyError, type ParleyErrorOptions } from '../lib/parley-error.js';

/** The configuration's one code: every bad setting is `invalid_config`, and the message names the setting. */
export type ConfigErrorCode = 'invalid_config';

export class ConfigError extends ParleyError<ConfigErrorCode> {
  override readonly name = 'ConfigError';
  constructor(message: string, options: ParleyErrorOptions = {}) {
    super('invalid_config', message, options);
  }
}

const port = z.coerce.number().int().min(0).max(65_535);

const EnvSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
    .optional(),
  PARLEY_DATA_DIR: z.string().min(1).default('./data'),
  PARLEY_CONFIG: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PARLEY_SANDBOX_PORT: port.default(4010),
});

export interface ParleyConfig {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  configFile: string | undefined;
  logLevel: string;
  sandboxPort: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ParleyConfig {
  // Empty strings (e.g. `DATABASE_URL=` in a .env file) mean "unset", not "invalid".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid environment: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.PARLEY_DATA_DIR,
    configFile: e.PARLEY_CONFIG,
    logLevel: e.LOG_LEVEL,
    sandboxPort: e.PARLEY_SANDBOX_PORT,
  };
}

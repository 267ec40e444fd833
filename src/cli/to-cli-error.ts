/**
 * The one place a runtime part's error (config, store, vault, OAuth, connections) becomes what the
 * person at the terminal sees: one line (plus the fix, when there is a known one), the part's
 * stable code, exit 2 for configuration mistakes and 1 otherwise. Unknown errors are rethrown untouched (main.ts prints them as unexpected).
 */
import { AppError } from '../app/app-error.js';
import { ConfigError } from '../config/load-config.js';
import { ConnectionError } from '../credentials/connection-error.js';
import { OAuthError } from '../highlevel/oauth/token-client.js';
import { fixFor } from '../lib/error-fixes.js';
import { StoreError } from '../store/store-error.js';
import { VaultError } from '../vault/vault-error.js';
import { CliError } from './cli-error.js';

export function toCliError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof ConfigError)
    return new CliError(error.code, withFix(error.message, error.code), { exitCode: 2 });
  if (
    error instanceof StoreError ||
    error instanceof VaultError ||
    error instanceof OAuthError ||
    error instanceof ConnectionError ||
    error instanceof AppError
  ) {
    return new CliError(error.code, withFix(error.message, error.code));
  }
  throw error;
}

/** Runs a command body and converts what it throws. */
export async function withCliErrors<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw toCliError(error);
  }
}

function withFix(message: string, code: string): string {
  const fix = fixFor(code);
  return fix === undefined || message.includes(fix) ? message : `${message}\n  fix: ${fix}`;
}

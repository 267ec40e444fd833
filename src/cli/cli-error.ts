/** An error meant for the person at the terminal: one clear line, a stable code, a non-zero exit. */
import type { AcceleventsErrorCode } from '../accelevents/accelevents-error.js';
import type { AppErrorCode } from '../app/app-error.js';
import type { ConfigErrorCode } from '../config/load-config.js';
import type { HighLevelConnectErrorCode } from '../connect/highlevel/connect-error.js';
import type { AuthErrorCode } from '../console/auth/auth-error.js';
import type { ConnectionErrorCode } from '../credentials/connection-error.js';
import type { HighLevelErrorCode } from '../highlevel/errors.js';
import type { OAuthErrorCode } from '../highlevel/oauth/token-client-types.js';
import type { IntakeErrorCode } from '../intake/intake-error.js';
import { ParleyError, type ParleyErrorOptions } from '../lib/parley-error.js';
import type { QueueErrorCode } from '../queue/queue-error.js';
import type { StoreErrorCode } from '../store/store-error.js';
import type { VaultErrorCodeWithKeyFile } from '../vault/vault-error.js';
import type { WorkflowErrorCode } from '../workflows/workflow-error.js';

/** What only the commands themselves refuse: their options and arguments, and their own outcomes. */
export type CliOwnErrorCode =
  | 'invalid_argument'
  | 'invalid_option'
  | 'invalid_param'
  | 'invalid_body'
  | 'invalid_file'
  | 'missing_parameter'
  | 'missing_token'
  | 'missing_name'
  | 'missing_password'
  | 'binary_to_tty'
  | 'already_initialised'
  | 'job_not_dead'
  | 'doctor_failed'
  | 'not_connected'
  | 'rotation_incomplete'
  | 'sandbox_unavailable';

/**
 * A part's error reaches the terminal with its own code unchanged (toCliError, and the commands that
 * convert their part's error), so the fix table and scripts see the same code everywhere. Accelevents
 * probe failures carry theirs with an `accelevents_` prefix.
 */
export type CliErrorCode =
  | CliOwnErrorCode
  | ConfigErrorCode
  | StoreErrorCode
  | VaultErrorCodeWithKeyFile
  | OAuthErrorCode
  | ConnectionErrorCode
  | AppErrorCode
  | WorkflowErrorCode
  | AuthErrorCode
  | HighLevelConnectErrorCode
  | HighLevelErrorCode
  | IntakeErrorCode
  | QueueErrorCode
  | `accelevents_${AcceleventsErrorCode}`;

export interface CliErrorOptions extends ParleyErrorOptions {
  /** 2 for a usage or configuration mistake, 1 (the default) for anything else. */
  exitCode?: number;
}

export class CliError extends ParleyError<CliErrorCode> {
  override readonly name = 'CliError';
  readonly exitCode: number;

  constructor(code: CliErrorCode, message: string, options: CliErrorOptions = {}) {
    super(code, message, options);
    this.exitCode = options.exitCode ?? 1;
  }
}

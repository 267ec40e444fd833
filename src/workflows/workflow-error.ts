/**
 * The one error base of the workflow boundary. `retryable` is the single answer
 * to "should the queue try this job again": a job handler turns `retryable: false` into the queue's
 * NonRetryableError so the job is dead-lettered at once instead of burning its attempts.
 */
import { HighLevelError } from '../highlevel/errors.js';
import { ParleyError, type ParleyErrorOptions } from '../lib/parley-error.js';

export type WorkflowErrorCode =
  | 'invalid_workflow'
  | 'workflow_not_found'
  | 'unknown_action'
  | 'invalid_step_input'
  | 'template_failed'
  | 'step_failed'
  | 'step_in_progress'
  | 'conversation_not_found'
  | 'unknown_trigger_sample'
  | 'workflow_exists'
  | 'workflow_read_only'
  | 'version_not_found'
  | 'version_conflict'
  | 'test_required';

export interface WorkflowErrorOptions extends ParleyErrorOptions {
  retryable?: boolean;
  stepId?: string;
}

export class WorkflowError extends ParleyError<WorkflowErrorCode> {
  override readonly name = 'WorkflowError';
  readonly retryable: boolean;
  readonly stepId: string | null;

  constructor(code: WorkflowErrorCode, message: string, options: WorkflowErrorOptions = {}) {
    super(code, message, options);
    this.retryable = options.retryable ?? false;
    this.stepId = options.stepId ?? null;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, retryable: this.retryable, stepId: this.stepId };
  }
}

/** One problem in a definition file, with where it is (1-based line and column). */
export interface WorkflowIssue {
  file: string;
  line: number;
  col: number;
  /** Key path, e.g. `steps[2].with.message`. */
  path: string;
  message: string;
}

/** Line 0: a definition given as JSON (check-definition.ts), which has a key path but no lines. */
export function formatIssue(issue: WorkflowIssue): string {
  if (issue.line === 0) return `${issue.path}: ${issue.message}`;
  return `${issue.file}:${issue.line}:${issue.col} ${issue.path}: ${issue.message}`;
}

/** Every problem of a file (or directory) at once, so a user fixes them in one pass. */
export class WorkflowValidationError extends WorkflowError {
  readonly issues: readonly WorkflowIssue[];

  constructor(message: string, options: ParleyErrorOptions & { issues: readonly WorkflowIssue[] }) {
    super('invalid_workflow', message, { cause: options.cause });
    this.issues = options.issues;
  }
}

/** The message of a WorkflowValidationError: one `file:line:col path: problem` line per issue. */
export function describeIssues(issues: readonly WorkflowIssue[]): string {
  return `invalid workflow definition:\n${issues.map(formatIssue).join('\n')}`;
}

/**
 * HighLevel failures that may pass (rate limit, 5xx, timeout, reset, an expired token) are worth
 * another attempt; a refused request (400/422, 403 missing scope, 404) fails the same way every
 * time, so retrying only delays the dead letter that an operator must look at.
 */
const RETRYABLE_HIGHLEVEL_CODES = new Set(['network_error', 'timeout', 'rate_limited', 'server_error', 'unauthorized']);

export function isRetryable(error: unknown): boolean {
  if (error instanceof WorkflowError) return error.retryable;
  if (error instanceof HighLevelError) return RETRYABLE_HIGHLEVEL_CODES.has(error.code);
  // Anything else (database, token provider, network below the client) is assumed transient.
  return true;
}

/** What a failed step's journal row keeps: enough to decide the next attempt, never a token. */
export interface StepFailure {
  code: string;
  message: string;
  /** A send that may or may not have reached HighLevel (HighLevelError.ambiguous). */
  ambiguous: boolean;
  retryable: boolean;
}

export function describeFailure(error: unknown): StepFailure {
  const retryable = isRetryable(error);
  if (error instanceof HighLevelError) {
    return { code: error.code, message: error.message, ambiguous: error.ambiguous, retryable };
  }
  if (error instanceof WorkflowError) return { code: error.code, message: error.message, ambiguous: false, retryable };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'error', message, ambiguous: false, retryable };
}

/**
 * The shape of a workflow definition: trigger, conditions, steps, message templates, an
 * optional preference question (src/preferences/question.ts) and named on/off options for steps.
 * This schema checks structure only; what needs the catalog (actions, their inputs, step
 * references, templates) is checked by validate-workflow.ts, so both report with file positions.
 */
import { z } from 'zod';
import { PRIORITY, type PriorityLane } from '../lib/priority-lanes.js';
import { OptionSchema, QuestionSchema } from '../preferences/question.js';
import { TRIGGER_NAMES } from './triggers.js';

/** Step ids are template variables (`steps.<id>.…`), so they must be plain liquid identifiers. */
export const STEP_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Workflow names become part of every run's trigger key, so keep them short and unambiguous. */
export const WORKFLOW_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
/** Option names are what a step's `option` refers to; plain identifiers like step ids. */
export const OPTION_NAME_PATTERN = STEP_ID_PATTERN;

const LANES = Object.keys(PRIORITY) as [PriorityLane, ...PriorityLane[]];

export const StepSchema = z.strictObject({
  id: z.string().regex(STEP_ID_PATTERN, {
    error: 'expected a step id of letters, digits and _ (not starting with a digit), e.g. send_welcome',
  }),
  action: z.string().min(1, { error: 'expected an action name, e.g. highlevel.send-a-new-message' }),
  with: z.record(z.string(), z.unknown()).optional(),
  /** A liquid condition (`attendee.phone != blank`); the step is skipped when it is false. */
  if: z.string().min(1).optional(),
  /**
   * The name of one of the workflow's `options`: the step is part of the workflow only while that
   * option is true. Unlike `if`, this is known when the file loads, so a step that is off is neither
   * run nor counted for the scopes parley asks for (load-workflows.ts drops it).
   */
  option: z
    .string()
    .regex(OPTION_NAME_PATTERN, { error: 'expected the name of one of the workflow options, e.g. tagContact' })
    .optional(),
});

export const WorkflowSchema = z.strictObject({
  name: z.string().regex(WORKFLOW_NAME_PATTERN, {
    error: 'expected a name of lowercase letters, digits, ".", "_" and "-", e.g. registration-welcome',
  }),
  description: z.string().optional(),
  trigger: z.enum(TRIGGER_NAMES),
  lane: z.enum(LANES).optional(),
  /** Liquid conditions, all of which must hold; otherwise the run is recorded as skipped. */
  conditions: z.array(z.string().min(1)).optional(),
  steps: z.array(StepSchema).min(1, { error: 'expected at least one step' }),
  /** Named message templates, available to steps as `templates.<name>` (rendered when used). */
  templates: z.record(z.string(), z.string()).optional(),
  /** Named switches, each true or false, that turn steps with `option: <name>` on or off. */
  options: z
    .record(
      z.string().regex(OPTION_NAME_PATTERN, { error: 'expected an option name of letters, digits and _' }),
      z.boolean({ error: 'expected true or false' }),
    )
    .optional(),
  /** A preference question, available to templates as `question` (preferences.ask records it). */
  question: QuestionSchema.optional(),
});

export type StepDefinition = z.infer<typeof StepSchema>;
export type WorkflowDefinition = z.infer<typeof WorkflowSchema>;
/**
 * A definition as a run takes it: one saved in the console carries its version, which the run
 * records; a built-in or a file's has none. Not part of the schema: a YAML file never sets it.
 */
export type VersionedWorkflow = WorkflowDefinition & { readonly version?: number };

/** The keys allowed at a path, for "unknown key" errors. */
export function allowedWorkflowKeys(path: readonly PropertyKey[]): string[] {
  const inList = (name: string) =>
    path.length >= 2 && path[path.length - 2] === name && typeof path[path.length - 1] === 'number';
  if (inList('steps')) return Object.keys(StepSchema.shape);
  if (inList('options') && path[path.length - 3] === 'question') return Object.keys(OptionSchema.shape);
  if (path.length === 1 && path[0] === 'question') return Object.keys(QuestionSchema.shape);
  return path.length === 0 ? Object.keys(WorkflowSchema.shape) : [];
}

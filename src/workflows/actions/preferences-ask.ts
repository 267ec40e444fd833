/**
 * `preferences.ask`: records the workflow's `question` block as the question asked under its key, so
 * the reply workflow matches answers against exactly these options (src/preferences/asked-questions.ts).
 * Put it before the step that sends the question, so a fast reply already finds it. Repeating it
 * writes the same row again.
 */
import { recordAskedQuestion } from '../../preferences/asked-questions.js';
import { questionScope } from '../../preferences/question.js';
import { WorkflowError } from '../workflow-error.js';
import type { ActionSpec } from './action-types.js';

export const preferencesAsk: ActionSpec = {
  name: 'preferences.ask',
  description:
    "record the workflow's question block as asked, for preferences.answer to match replies against; output { key, numbers }",
  operations: [],
  scopes: [],
  unsafe: false,
  inputs: [],
  async execute(_input, context) {
    const question = context.question;
    if (!question) {
      throw new WorkflowError(
        'invalid_step_input',
        `workflow ${context.run.workflow} has no question block for preferences.ask to record`,
      );
    }
    await recordAskedQuestion(context.db, question, context.now());
    return { key: question.key, numbers: questionScope(question).numbers };
  },
};

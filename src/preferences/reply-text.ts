/**
 * The confirmation and re-ask texts of a question, rendered with liquid like every workflow template:
 * `choice` (number, value, label) and `question` (question.ts QuestionScope, e.g. `question.numbers`)
 * are all they read (check-question.ts refuses anything else when the workflow loads).
 */
import { createTemplateEngine, type TemplateEngine, type TemplateScope } from '../lib/template-engine.js';
import { choiceOf, type Question, type QuestionOption, questionScope } from './question.js';

let engine: TemplateEngine | null = null;

function render(source: string, data: Record<string, unknown>): string {
  engine ??= createTemplateEngine();
  // The reply texts read no run data; the scope's required fields are there only for the type.
  const scope: TemplateScope = { location: { id: '' }, steps: {}, run: { id: '', workflow: '', key: '' }, ...data };
  return String(engine.render(source, scope) ?? '').trim();
}

export function confirmationOf(question: Question, option: QuestionOption): string {
  return render(question.confirm, { question: questionScope(question), choice: choiceOf(option) });
}

export function reaskOf(question: Question): string {
  return render(question.reask, { question: questionScope(question) });
}

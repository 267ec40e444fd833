/**
 * The checks of a question block that the schema cannot make on one field: option numbers, values and
 * phrases each belong to one option (otherwise a reply could choose two), a keyword has a word in it
 * and is not a number (numbers answer by themselves), and the confirm/re-ask texts are liquid that
 * reads only what they are rendered with. Each issue carries its key path under `question`.
 */
import type { TemplateEngine } from '../lib/template-engine.js';
import { numberOfWord, stemOf, wordsOf } from './answer-words.js';
import type { Question } from './question.js';

export interface QuestionIssue {
  path: (string | number)[];
  message: string;
  inText?: { line: number; col: number };
}

/** What each text may read: the confirmation names the chosen option, the re-ask cannot. */
const TEXT_VARIABLES = { confirm: ['choice', 'question'], reask: ['question'] } as const;

export function checkQuestion(question: Question, engine: TemplateEngine): QuestionIssue[] {
  const issues: QuestionIssue[] = [];
  const numbers = new Map<number, number>();
  const values = new Map<string, number>();
  const phrases = new Map<string, number>();

  question.options.forEach((option, index) => {
    const at = ['options', index];
    const sameNumber = numbers.get(option.number);
    if (sameNumber !== undefined) {
      issues.push({ path: [...at, 'number'], message: `number ${option.number} is already options[${sameNumber}]'s` });
    } else numbers.set(option.number, index);
    const sameValue = values.get(option.value);
    if (sameValue !== undefined) {
      issues.push({ path: [...at, 'value'], message: `value "${option.value}" is already options[${sameValue}]'s` });
    } else values.set(option.value, index);

    const named: { path: (string | number)[]; text: string }[] = [
      { path: [...at, 'value'], text: option.value },
      ...(option.label === undefined ? [] : [{ path: [...at, 'label'], text: option.label }]),
      ...(option.keywords ?? []).map((text, k) => ({ path: [...at, 'keywords', k], text })),
    ];
    const own = new Set<string>();
    for (const { path, text } of named) {
      const words = wordsOf(text);
      if (words.length === 0) {
        issues.push({ path, message: 'expected a word or phrase with letters or digits' });
        continue;
      }
      if (path.includes('keywords') && words.every((word) => numberOfWord(word) !== null)) {
        issues.push({
          path,
          message: `"${text}" is a number; a reply's numbers are read as option numbers, so give words here`,
        });
        continue;
      }
      const phrase = words.map(stemOf).join(' ');
      const owner = phrases.get(phrase);
      if (owner !== undefined && owner !== index) {
        issues.push({
          path,
          message: `"${text}" also names options[${owner}]; a reply using it would choose two options`,
        });
      } else if (!own.has(phrase)) {
        own.add(phrase);
        phrases.set(phrase, index);
      }
    }
  });

  for (const field of ['confirm', 'reask'] as const) {
    const source = question[field];
    const problem = engine.checkTemplate(source);
    if (problem) {
      issues.push({ path: [field], message: `template liquid cannot parse: ${problem.message}`, inText: problem });
      continue;
    }
    const allowed: readonly string[] = TEXT_VARIABLES[field];
    const others = [...new Set(engine.variables(source).map((path) => String(path[0])))].filter(
      (root) => !allowed.includes(root),
    );
    if (others.length > 0) {
      issues.push({
        path: [field],
        message: `${field} can use only ${allowed.map((root) => `${root}.*`).join(' and ')}; it reads ${others.join(', ')}`,
      });
    }
  }
  return issues;
}

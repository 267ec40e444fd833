/**
 * The preference matcher (src/preferences/match-answer.ts) against the built-in check-in question:
 * numbers, number words and keywords in any case with filler around them choose an option; a number
 * that is not an option, two different options, a negation or nothing at all is unparsed; an opt-out
 * word is neither. The question is read from workflows/builtin/checkin-welcome.yaml itself, so the
 * table tests what ships.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_WORKFLOWS_DIR } from '../../src/features/enabled-workflows.js';
import { matchAnswer } from '../../src/preferences/match-answer.js';
import type { Question } from '../../src/preferences/question.js';
import { parseWorkflowSource } from '../../src/workflows/load-workflows.js';
import { engine } from '../workflows/workflow-fixture.js';

let question: Question;
beforeAll(async () => {
  const file = join(BUILTIN_WORKFLOWS_DIR, 'checkin-welcome.yaml');
  const parsed = parseWorkflowSource(await readFile(file, 'utf8'), file, engine);
  const found = parsed.workflows[0]?.definition.question;
  if (!found) throw new Error('the built-in check-in welcome has no question');
  question = found;
});

function read(text: string): string {
  const match = matchAnswer(question, text);
  if (match.status === 'matched') return match.option.value;
  return match.status === 'opt-out' ? 'opt-out' : `unparsed (${match.reason})`;
}

describe('matchAnswer on the check-in question', () => {
  it.each([
    // By number, with filler and punctuation around it.
    ['2', 'workshops'],
    ['2 please', 'workshops'],
    ['2.', 'workshops'],
    ['#2!', 'workshops'],
    ['  2  ', 'workshops'],
    ['option 2', 'workshops'],
    ['I pick 2, thanks', 'workshops'],
    ['2 2', 'workshops'],
    ['02', 'workshops'],
    ['２', 'workshops'],
    ['2️⃣', 'workshops'],
    ['1', 'keynote'],
    ['3', 'networking'],
    // Number words and ordinals, any case.
    ['Two', 'workshops'],
    ['TWO please', 'workshops'],
    ['number two', 'workshops'],
    ['the second one', 'workshops'],
    ['2nd', 'workshops'],
    ['one', 'keynote'],
    ['Three!', 'networking'],
    // By value, label or keyword: any case, singular or plural, with filler.
    ['workshops', 'workshops'],
    [' WORKSHOP!', 'workshops'],
    ['Workshops please', 'workshops'],
    ['hands-on stuff', 'workshops'],
    ['Hands on', 'workshops'],
    ['labs', 'workshops'],
    ['workshop reminders', 'workshops'],
    ['keynote', 'keynote'],
    ['Keynotes!', 'keynote'],
    ['the talks', 'keynote'],
    ['networking', 'networking'],
    ['meetups', 'networking'],
    ['Meetup', 'networking'],
    ['Café networking', 'networking'],
    // The same option twice is still one option.
    ['2 workshops', 'workshops'],
    ['workshops (2)', 'workshops'],
  ])('reads %j as %s', (text, expected) => {
    expect(read(text)).toBe(expected);
  });

  it.each([
    // A whole number is one number: 12 is not option 1, and numbers that are no option are filler.
    ['12', 'unparsed (nothing)'],
    ['21', 'unparsed (nothing)'],
    ['4', 'unparsed (nothing)'],
    ['0', 'unparsed (nothing)'],
    ['+15550001234', 'unparsed (nothing)'],
    ['2pm', 'unparsed (nothing)'],
    ['2 please, room 12', 'workshops'],
    // Two different options named: ambiguous.
    ['1 or 2', 'unparsed (ambiguous)'],
    ['1, 2', 'unparsed (ambiguous)'],
    ['two and three', 'unparsed (ambiguous)'],
    ['keynotes and workshops', 'unparsed (ambiguous)'],
    ['2 keynote', 'unparsed (ambiguous)'],
    ['2 people', 'unparsed (ambiguous)'],
    // A negation is not trusted.
    ['not 2', 'unparsed (negated)'],
    ["I don't want workshops", 'unparsed (negated)'],
    ['nothing from 3 please', 'unparsed (negated)'],
    // Nothing that names an option.
    ['', 'unparsed (nothing)'],
    ['   ', 'unparsed (nothing)'],
    ['🙂', 'unparsed (nothing)'],
    ['thanks!', 'unparsed (nothing)'],
    ['Where is the parking garage?', 'unparsed (nothing)'],
    ['workshopping', 'unparsed (nothing)'],
    ['talkative', 'unparsed (nothing)'],
    // Opt-out words: neither an answer nor a reason to ask again.
    ['STOP', 'opt-out'],
    ['stop please', 'opt-out'],
    ['Unsubscribe', 'opt-out'],
    ['2 stop', 'opt-out'],
  ])('reads %j as %s', (text, expected) => {
    expect(read(text)).toBe(expected);
  });

  it('reads a number only as an option the question has: 12 is option 12 when the question has one', () => {
    const twelve: Question = {
      ...question,
      options: [...question.options, { number: 12, value: 'everything', label: 'everything' }],
    };
    const match = matchAnswer(twelve, '12');
    expect(match).toEqual({ status: 'matched', option: expect.objectContaining({ value: 'everything' }) });
    expect(matchAnswer(twelve, '1')).toEqual({
      status: 'matched',
      option: expect.objectContaining({ value: 'keynote' }),
    });
  });

  it('lets a keyword phrase use up its words, so "one-on-one" as a keyword is not option one', () => {
    const mentoring: Question = {
      ...question,
      options: [
        { number: 1, value: 'talks' },
        { number: 2, value: 'mentoring', keywords: ['one-on-one'] },
      ],
    };
    expect(matchAnswer(mentoring, 'One-on-one please')).toEqual({
      status: 'matched',
      option: expect.objectContaining({ value: 'mentoring' }),
    });
  });
});

/**
 * The question block and step options in workflow files: a mistake in either is reported as
 * file:line:col with the key path and what was expected, like every other definition error; a step
 * whose option is off is not part of the loaded workflow, so neither the runner nor the scopes derived
 * from the workflow's steps see it (add-tags and its contacts.write only when tagContact is on).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { workflowScopes } from '../../src/features/catalog.js';
import { BUILTIN_WORKFLOWS_DIR } from '../../src/features/enabled-workflows.js';
import { workflowNeeds } from '../../src/features/scope-needs.js';
import { loadWorkflows } from '../../src/workflows/load-workflows.js';
import { type WorkflowIssue, WorkflowValidationError } from '../../src/workflows/workflow-error.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-question-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function issuesOf(text: string): Promise<WorkflowIssue[]> {
  const file = join(dir, 'flow.yaml');
  await writeFile(file, text);
  const error = await loadWorkflows(file).catch((e: unknown) => e);
  if (!(error instanceof WorkflowValidationError)) throw new Error(`expected a validation error, got ${String(error)}`);
  return [...error.issues];
}

/** Lines 1-16: a valid question; tests replace one line of it. */
const QUESTION = `name: welcome
trigger: accelevents.check_in
question:
  key: updates
  prompt: What would you like to hear about?
  options:
    - number: 1
      value: keynote
      keywords: [talks]
    - number: 2
      value: workshops
      keywords: [hands-on]
  confirm: "Thanks! You'll get {{ choice.label }}."
  reask: "Reply {{ question.numbers }}."
steps:
  - id: ask
    action: preferences.ask
`;

describe('question block', () => {
  it('loads a valid question, leaving its texts for the answer to render', async () => {
    const file = join(dir, 'flow.yaml');
    await writeFile(file, QUESTION);
    const [loaded] = await loadWorkflows(file);
    expect(loaded?.definition.question).toMatchObject({
      key: 'updates',
      options: [expect.objectContaining({ number: 1, value: 'keynote' }), expect.objectContaining({ number: 2 })],
      confirm: "Thanks! You'll get {{ choice.label }}.",
    });
  });

  it('reports each wrong or missing question field at its line, with what was expected', async () => {
    const issues = await issuesOf(
      QUESTION.replace('    - number: 2\n', '    - number: two\n').replace(
        '  reask: "Reply {{ question.numbers }}."\n',
        '',
      ),
    );
    expect(issues).toEqual([
      expect.objectContaining({ line: 4, col: 3, path: 'question.reask', message: 'required: expected a string' }),
      expect.objectContaining({ line: 10, col: 15, path: 'question.options[1].number', message: 'expected a number' }),
    ]);
  });

  it('points at an unknown key inside an option, listing the keys an option takes', async () => {
    const issues = await issuesOf(QUESTION.replace('      keywords: [talks]', '      keyword: [talks]'));
    expect(issues).toEqual([
      expect.objectContaining({
        line: 9,
        col: 7,
        path: 'question.options[0].keyword',
        message: 'unknown key; expected one of number, value, label, keywords',
      }),
    ]);
  });

  it('refuses a number or a word that names two options, at its second use', async () => {
    const issues = await issuesOf(
      QUESTION.replace('    - number: 2\n', '    - number: 1\n').replace('[hands-on]', '[hands-on, Talks]'),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        line: 10,
        col: 15,
        path: 'question.options[1].number',
        message: "number 1 is already options[0]'s",
      }),
      expect.objectContaining({
        line: 12,
        col: 28,
        path: 'question.options[1].keywords[1]',
        message: '"Talks" also names options[0]; a reply using it would choose two options',
      }),
    ]);
  });

  it('refuses a question key with a dot', async () => {
    const issues = await issuesOf(QUESTION.replace('[talks]', '[talks, "3"]').replace('key: updates', 'key: up.dates'));
    expect(issues.map((i) => [i.line, i.path, i.message])).toEqual([
      [4, 'question.key', 'expected a key of lowercase letters, digits, "_" and "-" (no dots), e.g. updates'],
    ]);
  });

  it('refuses a keyword that is a number', async () => {
    const numbers = await issuesOf(QUESTION.replace('[talks]', '[talks, "3"]'));
    expect(numbers).toEqual([
      expect.objectContaining({
        line: 9,
        path: 'question.options[0].keywords[1]',
        message: '"3" is a number; a reply\'s numbers are read as option numbers, so give words here',
      }),
    ]);
  });

  it('reports each template mistake in the question’s texts at its line', async () => {
    const issues = await issuesOf(
      QUESTION.replace("Thanks! You'll get {{ choice.label }}.", 'Thanks {{ attendee.firstName }}!').replace(
        'Reply {{ question.numbers }}.',
        'Reply {{ question.numbers ',
      ),
    );
    expect(issues.map((i) => [i.line, i.path, i.message.split(':')[0]])).toEqual([
      [13, 'question.confirm', 'confirm can use only choice.* and question.*; it reads attendee'],
      [14, 'question.reask', 'template liquid cannot parse'],
    ]);
  });

  it('needs a question block for whatever uses the question: preferences.ask, question.* templates', async () => {
    const text = `name: welcome
trigger: accelevents.check_in
steps:
  - id: ask
    action: preferences.ask
templates:
  sms: "Reply {{ question.choices }}"
`;
    const issues = await issuesOf(text);
    expect(issues.map((i) => [i.line, i.col, i.path])).toEqual([
      [5, 13, 'steps[0].action'],
      [7, 8, 'templates.sms'],
    ]);
    expect(issues[0]?.message).toContain('add a question block');
    expect(issues[1]?.message).toBe(
      'uses question.* but the workflow has no question block (key, prompt, options, confirm, reask)',
    );
  });
});

describe('step options', () => {
  const TAGGING = (on: boolean) => `name: reply
trigger: highlevel.inbound_message
options:
  tagContact: ${on}
steps:
  - id: answer
    action: preferences.answer
    with: { contactId: "{{ message.contactId }}", key: updates, text: "{{ message.body }}" }
  - id: tag
    option: tagContact
    action: contacts.add-tags
    with: { contactId: "{{ message.contactId }}", tags: "{{ steps.answer.value }}" }
`;

  async function load(text: string) {
    const file = join(dir, 'reply.yaml');
    await writeFile(file, text);
    const [loaded] = await loadWorkflows(file);
    if (!loaded) throw new Error('nothing loaded');
    return loaded.definition;
  }

  it('leaves a step whose option is off out of the workflow, needing neither its operation nor its scope', async () => {
    const off = await load(TAGGING(false));
    expect(off.steps.map((s) => s.id)).toEqual(['answer']);
    expect(workflowNeeds(off).map((need) => need.operation)).not.toContain('add-tags');
    expect(workflowScopes(off)).not.toContain('contacts.write');
  });

  it('keeps a step whose option is on in the workflow, with the scope of its operation', async () => {
    const on = await load(TAGGING(true));
    expect(on.steps.map((s) => s.id)).toEqual(['answer', 'tag']);
    expect(workflowNeeds(on)).toContainEqual({ scope: 'contacts.write', operation: 'add-tags' });
    expect(workflowScopes(on)).toContain('contacts.write');
  });

  it('ships the check-in reply with tagging off, so the built-in plans no add-tags', async () => {
    const builtin = await load(await readFile(join(BUILTIN_WORKFLOWS_DIR, 'checkin-preference-reply.yaml'), 'utf8'));
    expect(builtin.options).toEqual({ tagContact: false });
    expect(builtin.steps.map((s) => s.action)).not.toContain('contacts.add-tags');
  });

  it('reports an option a step names but the workflow does not declare', async () => {
    const issues = await issuesOf(TAGGING(false).replace('option: tagContact', 'option: tagContacts'));
    expect(issues).toEqual([
      expect.objectContaining({
        line: 10,
        col: 13,
        path: 'steps[1].option',
        message: 'option "tagContacts" is not declared; expected one of tagContact',
      }),
    ]);
  });

  it('reports an option that is not a boolean', async () => {
    const wrongType = await issuesOf(TAGGING(false).replace('tagContact: false', 'tagContact: maybe'));
    expect(wrongType).toEqual([
      expect.objectContaining({ line: 4, col: 15, path: 'options.tagContact', message: 'expected a boolean' }),
    ]);
  });

  it('still validates a step that is off, so turning it on later cannot break the file', async () => {
    const issues = await issuesOf(TAGGING(false).replace('action: contacts.add-tags', 'action: contacts.add-tag'));
    expect(issues).toEqual([expect.objectContaining({ line: 11, path: 'steps[1].action' })]);
  });
});

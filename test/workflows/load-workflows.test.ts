/**
 * Loading and validating workflow definitions: every error names file:line:col, the key path and
 * what was expected; a file holds one workflow or a list; a directory loads every *.yaml in it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadWorkflows } from '../../src/workflows/load-workflows.js';
import { TRIGGER_NAMES } from '../../src/workflows/triggers.js';
import { WorkflowError, type WorkflowIssue, WorkflowValidationError } from '../../src/workflows/workflow-error.js';
import { WELCOME_YAML } from './workflow-fixture.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-workflows-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function issuesOf(text: string, name = 'flow.yaml'): Promise<WorkflowIssue[]> {
  const file = join(dir, name);
  await writeFile(file, text);
  const error = await loadWorkflows(file).catch((e: unknown) => e);
  if (!(error instanceof WorkflowValidationError)) throw new Error(`expected a validation error, got ${String(error)}`);
  return [...error.issues];
}

const HEAD = 'name: welcome\ntrigger: accelevents.registration\nsteps:\n';

describe('loadWorkflows', () => {
  it('loads a valid file into its definition', async () => {
    const file = join(dir, 'welcome.yaml');
    await writeFile(file, WELCOME_YAML);
    const [loaded, ...rest] = await loadWorkflows(file);
    expect(rest).toEqual([]);
    expect(loaded?.file).toBe(file);
    expect(loaded?.definition.name).toBe('registration-welcome');
    expect(loaded?.definition.steps.map((s) => s.action)).toEqual([
      'contacts.upsert',
      'conversations.find-or-create',
      'highlevel.send-a-new-message',
    ]);
  });

  it('names the closest actions for an unknown action, at its line', async () => {
    const issues = await issuesOf(`${HEAD}  - id: contact\n    action: contacts.upsrt\n`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 5, col: 13, path: 'steps[0].action' });
    expect(issues[0]!.message).toMatch(/^unknown action "contacts.upsrt"; closest: contacts.upsert, /);
  });

  it('suggests the operation for a misspelt highlevel action', async () => {
    const issues = await issuesOf(`${HEAD}  - id: send\n    action: highlevel.send-new-message\n`);
    expect(issues[0]!.message).toContain('highlevel.send-a-new-message');
  });

  it('reports a duplicate step id at the second use', async () => {
    const step = '  - id: look\n    action: highlevel.get-conversation\n    with: { conversationId: abc }\n';
    const issues = await issuesOf(`${HEAD}${step}${step}`);
    expect(issues).toEqual([
      expect.objectContaining({
        line: 7,
        col: 9,
        path: 'steps[1].id',
        message: 'duplicate step id "look" (steps[0] has it)',
      }),
    ]);
  });

  it('refuses a reference to a later step, pointing inside the template', async () => {
    const text = `${HEAD}  - id: first\n    action: highlevel.get-conversation\n    with:\n      conversationId: "{{ steps.second.id }}"\n  - id: second\n    action: highlevel.get-conversation\n    with: { conversationId: abc }\n`;
    const issues = await issuesOf(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 7, col: 27, path: 'steps[0].with.conversationId' });
    expect(issues[0]!.message).toBe(
      'steps.second runs later (steps[1]); a step can only use the output of earlier steps (none before it)',
    );
  });

  it('refuses a reference to a step that does not exist, listing the earlier ones', async () => {
    const text = `${HEAD}  - id: first\n    action: highlevel.get-conversation\n    with: { conversationId: abc }\n  - id: second\n    action: highlevel.get-messages\n    with: { conversationId: "{{ steps.frist.id }}" }\n`;
    const issues = await issuesOf(text);
    expect(issues[0]!.message).toBe('steps.frist is not a step of this workflow; earlier steps: first');
  });

  it('points a template liquid cannot parse at its own line inside a block scalar', async () => {
    const text = `${HEAD}  - id: send\n    action: highlevel.send-a-new-message\n    with:\n      type: SMS\n      contactId: c1\n      message: |\n        Hello {{ attendee.firstName }},\n        see you at {{ event.name | shout }}\n`;
    const issues = await issuesOf(text);
    expect(issues).toEqual([
      expect.objectContaining({
        line: 11,
        col: 20,
        path: 'steps[0].with.message',
        message: 'template liquid cannot parse: undefined filter: shout',
      }),
    ]);
  });

  it('reports an unclosed output tag in a named template', async () => {
    const text = `${HEAD}  - id: look\n    action: highlevel.get-conversation\n    with: { conversationId: abc }\ntemplates:\n  welcome: "Hi {{ attendee.firstName"\n`;
    const issues = await issuesOf(text);
    expect(issues[0]).toMatchObject({ line: 8, path: 'templates.welcome' });
    expect(issues[0]!.message).toMatch(/^template liquid cannot parse: output .* not closed/);
  });

  it('lists the triggers for an unknown trigger', async () => {
    const issues = await issuesOf(
      'name: w\ntrigger: accelevents.registered\nsteps:\n  - id: a\n    action: links.save\n',
    );
    expect(issues).toEqual([
      expect.objectContaining({
        line: 2,
        col: 10,
        path: 'trigger',
        message: `expected one of ${TRIGGER_NAMES.join(', ')}, got "accelevents.registered"`,
      }),
    ]);
  });

  it('names each input an action does not take or needs but lacks', async () => {
    const text = `${HEAD}  - id: look\n    action: highlevel.get-conversation\n    with:\n      conversationld: abc\n`;
    const issues = await issuesOf(text);
    expect(issues.map((i) => [i.line, i.path, i.message])).toEqual([
      [
        7,
        'steps[0].with.conversationld',
        'highlevel.get-conversation takes no input "conversationld"; expected one of conversationId',
      ],
      [7, 'steps[0].with', 'highlevel.get-conversation needs input "conversationId" (path)'],
    ]);
  });

  it('reports each unknown or missing key with what was expected', async () => {
    const issues = await issuesOf(
      'name: w\ntriger: accelevents.registration\nsteps:\n  - id: a\n    action: links.save\n    width: {}\n',
    );
    expect(issues.map((i) => [i.line, i.col, i.path, i.message])).toEqual([
      [1, 1, 'trigger', expect.stringMatching(/expected one of accelevents.registration/)],
      [
        2,
        1,
        'triger',
        'unknown key; expected one of name, description, trigger, lane, conditions, steps, templates, options, question',
      ],
      [6, 5, 'steps[0].width', 'unknown key; expected one of id, action, with, if, option'],
    ]);
  });

  it('reports YAML syntax errors with their position', async () => {
    const issues = await issuesOf('name: w\nsteps: [\n');
    expect(issues[0]).toMatchObject({ path: '(yaml)', line: 3, col: 1 });
    expect(issues[0]!.message).toMatch(/Flow sequence/);
  });

  it('refuses two workflows with one name across the *.yaml files of a directory', async () => {
    await writeFile(join(dir, 'a.yaml'), WELCOME_YAML);
    await writeFile(join(dir, 'b.yaml'), WELCOME_YAML);
    await writeFile(join(dir, 'notes.txt'), 'not a workflow');
    const error = await loadWorkflows(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowValidationError);
    expect((error as Error).message).toContain(
      `${join(dir, 'b.yaml')}:2:7 name: duplicate workflow name "registration-welcome" (also in ${join(dir, 'a.yaml')})`,
    );
  });

  it('loads a list of workflows from one file, with list indexes in error paths', async () => {
    const list = `- ${WELCOME_YAML.trim().replace(/\n/g, '\n  ')}\n- name: second\n  trigger: session.ended\n  steps:\n    - id: a\n      action: nope.nothing\n`;
    const issues = await issuesOf(list);
    expect(issues).toEqual([expect.objectContaining({ path: '[1].steps[0].action' })]);
  });

  it('says so when the path does not exist', async () => {
    const error = await loadWorkflows(join(dir, 'missing.yaml')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowError);
    expect(error).toMatchObject({ code: 'workflow_not_found' });
  });
});

/**
 * `parley catalog` and `parley workflows validate|list`: the catalog lists every trigger and all 29
 * Conversations operations as actions with the spec's scopes, agrees with the feature table the scope
 * planner uses, and the workflow commands print file:line:col errors and exit 1.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/cli-error.js';
import { register as registerCatalog, runCatalog } from '../../src/cli/commands/catalog.js';
import { register as registerWorkflows, runList, runValidate } from '../../src/cli/commands/workflows.js';
import { CONVERSATION_OPERATIONS } from '../../src/highlevel/generated/operations.js';
import { findOperation } from '../../src/highlevel/operation-catalog.js';
import type { Catalog } from '../../src/workflows/catalog.js';
import { FEATURES } from '../../src/workflows/features.js';
import { TRIGGER_NAMES } from '../../src/workflows/triggers.js';
import { WELCOME_YAML } from './workflow-fixture.js';

function capture() {
  let text = '';
  return {
    io: {
      write: (chunk: string) => {
        text += chunk;
      },
    },
    output: () => text,
  };
}

function catalogJson(): Catalog {
  const out = capture();
  runCatalog({ json: true }, out.io);
  return JSON.parse(out.output());
}

describe('parley catalog', () => {
  it('lists all 29 Conversations operations as actions with the scopes the spec gives them', () => {
    const catalog = catalogJson();
    const operationActions = catalog.actions.filter((a) => a.name.startsWith('highlevel.'));
    expect(operationActions.map((a) => a.name).sort()).toEqual(
      CONVERSATION_OPERATIONS.map((op) => `highlevel.${op.operationId}`).sort(),
    );
    expect(operationActions).toHaveLength(29);
    for (const action of operationActions) {
      const own = findOperation(action.name.slice('highlevel.'.length)).scopes;
      for (const scope of own) expect(action.scopes).toContain(scope);
      expect(action.scopes.length).toBeGreaterThan(0);
    }
  });

  it('marks sends unsafe and guarded, reads safe, and gives the send the guard’s read scope', () => {
    const byName = new Map(catalogJson().actions.map((a) => [a.name, a]));
    expect(byName.get('highlevel.send-a-new-message')).toMatchObject({
      unsafe: true,
      guarded: true,
      scopes: ['conversations.readonly', 'conversations/message.readonly', 'conversations/message.write'],
    });
    expect(byName.get('highlevel.upload-file-attachments')).toMatchObject({ unsafe: true, guarded: false });
    expect(byName.get('highlevel.get-conversation')).toMatchObject({
      unsafe: false,
      scopes: ['conversations.readonly'],
    });
    expect(byName.get('contacts.upsert')).toMatchObject({ unsafe: false, scopes: ['contacts.write'] });
    expect(byName.get('conversations.find-or-create')).toMatchObject({
      scopes: ['conversations.readonly', 'conversations.write'],
    });
    expect(byName.get('links.save')).toMatchObject({ scopes: [], unsafe: false });
  });

  it('lists every trigger, with the webhook scope of the HighLevel one', () => {
    const catalog = catalogJson();
    expect(catalog.triggers.map((t) => t.name)).toEqual([...TRIGGER_NAMES]);
    expect(catalog.triggers.find((t) => t.name === 'highlevel.inbound_message')?.scopes).toEqual([
      'conversations/message.readonly',
    ]);
  });

  it('has an action for every operation a feature uses, needing the scopes the planner plans for it', () => {
    const byName = new Map(catalogJson().actions.map((a) => [a.name, a]));
    for (const [feature, spec] of Object.entries(FEATURES)) {
      for (const operationId of spec.operations) {
        const name = operationId === 'upsert-contact' ? 'contacts.upsert' : `highlevel.${operationId}`;
        const action = byName.get(name);
        expect(action, `${feature}: ${operationId}`).toBeDefined();
        for (const scope of findOperation(operationId).scopes) expect(action?.scopes).toContain(scope);
      }
    }
  });

  it('prints a table naming unsafe actions as text', () => {
    const out = capture();
    runCatalog({}, out.io);
    expect(out.output()).toMatch(/highlevel\.send-a-new-message +unsafe, guarded +conversations\.readonly/);
    expect(out.output()).toContain('Actions (33):');
    expect(out.output()).toContain('Triggers (5):');
  });
});

describe('parley workflows', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-wf-cli-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function program(): Command {
    const root = new Command('parley').exitOverride();
    registerWorkflows(root);
    registerCatalog(root);
    return root;
  }

  it('validate exits 1 with every error as file:line:col', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, WELCOME_YAML.replace('action: contacts.upsert', 'action: contact.upsert'));
    const error = await program()
      .parseAsync(['node', 'parley', 'workflows', 'validate', file])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ exitCode: 1, code: 'invalid_workflow' });
    expect((error as Error).message).toContain(
      `${file}:6:13 steps[0].action: unknown action "contact.upsert"; closest: contacts.upsert`,
    );
  });

  it('validate confirms a valid file and names its workflows', async () => {
    await writeFile(join(dir, 'welcome.yaml'), WELCOME_YAML);
    const out = capture();
    await runValidate('welcome.yaml', { ...out.io, cwd: dir });
    expect(out.output()).toBe('welcome.yaml: 1 workflow(s) valid: registration-welcome\n');
  });

  it('list shows name, trigger, steps and scopes, from ./workflows by default', async () => {
    await mkdir(join(dir, 'workflows'));
    await writeFile(join(dir, 'workflows', 'welcome.yaml'), WELCOME_YAML);
    const out = capture();
    await runList(undefined, { json: true }, { ...out.io, cwd: dir });
    expect(JSON.parse(out.output())).toEqual([
      {
        name: 'registration-welcome',
        trigger: 'accelevents.registration',
        lane: 'welcome',
        file: join(dir, 'workflows', 'welcome.yaml'),
        steps: [
          { id: 'contact', action: 'contacts.upsert' },
          { id: 'conversation', action: 'conversations.find-or-create' },
          { id: 'welcome', action: 'highlevel.send-a-new-message' },
        ],
        scopes: [
          'contacts.write',
          'conversations.readonly',
          'conversations.write',
          'conversations/message.readonly',
          'conversations/message.write',
        ],
      },
    ]);
    const text = capture();
    await runList('workflows', {}, { ...text.io, cwd: dir });
    expect(text.output()).toContain(
      'steps:  contact (contacts.upsert) → conversation (conversations.find-or-create) → welcome (highlevel.send-a-new-message)',
    );
  });

  it('list says where it looked when there are no workflows', async () => {
    const error = await runList(undefined, {}, { write: () => {}, cwd: dir }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'workflow_not_found', exitCode: 1 });
    expect((error as Error).message).toContain(join(dir, 'workflows'));
  });
});

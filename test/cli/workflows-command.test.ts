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
import type { Catalog } from '../../src/features/catalog.js';
import { FEATURE_NAMES } from '../../src/features/feature-names.js';
import { featureWorkflows } from '../../src/features/scope-needs.js';
import { planScopes } from '../../src/features/scope-planner.js';
import { CONVERSATION_OPERATIONS } from '../../src/highlevel/generated/operations.js';
import { findOperation } from '../../src/highlevel/operation-catalog.js';
import { TRIGGER_NAMES } from '../../src/workflows/triggers.js';
import { WELCOME_YAML } from '../workflows/workflow-fixture.js';

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

  const actionsByName = () => new Map(catalogJson().actions.map((a) => [a.name, a]));

  it('marks sends unsafe, guarding only send-a-new-message', () => {
    const byName = actionsByName();
    expect(byName.get('highlevel.send-a-new-message')).toMatchObject({ unsafe: true, guarded: true });
    expect(byName.get('highlevel.upload-file-attachments')).toMatchObject({ unsafe: true, guarded: false });
  });

  it('marks the actions that are safe to repeat safe', () => {
    const byName = actionsByName();
    expect(byName.get('highlevel.get-conversation')).toMatchObject({ unsafe: false });
    expect(byName.get('contacts.upsert')).toMatchObject({ unsafe: false });
    expect(byName.get('links.save')).toMatchObject({ unsafe: false });
  });

  it('gives each action the scopes its calls need, the send its guard’s read scope too', () => {
    const byName = actionsByName();
    expect(byName.get('highlevel.send-a-new-message')).toMatchObject({
      scopes: ['conversations.readonly', 'conversations/message.readonly', 'conversations/message.write'],
    });
    expect(byName.get('highlevel.get-conversation')).toMatchObject({ scopes: ['conversations.readonly'] });
    expect(byName.get('contacts.upsert')).toMatchObject({ scopes: ['contacts.write'] });
    expect(byName.get('conversations.find-or-create')).toMatchObject({
      scopes: ['conversations.readonly', 'conversations.write'],
    });
    expect(byName.get('links.save')).toMatchObject({ scopes: [] });
  });

  it('lists every trigger', () => {
    expect(catalogJson().triggers.map((t) => t.name)).toEqual([...TRIGGER_NAMES]);
  });

  it('gives the HighLevel trigger its webhook scope plus its job’s get-contact scope', () => {
    const catalog = catalogJson();
    expect(catalog.triggers.find((t) => t.name === 'highlevel.inbound_message')?.scopes).toEqual([
      'contacts.readonly',
      'conversations/message.readonly',
    ]);
  });

  it('has an action for every step of a feature’s workflows, needing only scopes the planner plans for it', () => {
    const byName = new Map(catalogJson().actions.map((a) => [a.name, a]));
    for (const feature of FEATURE_NAMES) {
      const planned = planScopes([feature]).scopes;
      for (const step of featureWorkflows(feature).flatMap((w) => w.steps)) {
        const action = byName.get(step.action);
        expect(action, `${feature}: ${step.action}`).toBeDefined();
        for (const scope of action?.scopes ?? []) expect(planned, `${feature}: ${step.action}`).toContain(scope);
      }
    }
  });

  it('prints a table naming unsafe actions as text', () => {
    const out = capture();
    runCatalog({}, out.io);
    expect(out.output()).toMatch(/highlevel\.send-a-new-message +unsafe, guarded +conversations\.readonly/);
    expect(out.output()).toContain('Actions (36):');
    expect(out.output()).toContain(`Triggers (${TRIGGER_NAMES.length}):`);
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

  /** An io for the command in `dir`, with no environment, so only `dir`'s config (if any) applies. */
  function ioIn(out: ReturnType<typeof capture>) {
    return { ...out.io, cwd: dir, env: {} };
  }

  it('validate reports on a valid file: its workflows, the built-in each replaces', async () => {
    await writeFile(join(dir, 'welcome.yaml'), WELCOME_YAML);
    const out = capture();
    await runValidate('welcome.yaml', ioIn(out));
    expect(out.output()).toBe(
      'welcome.yaml: 1 workflow(s) valid: registration-welcome\n' +
        '  registration-welcome replaces the built-in workflow of that name\n',
    );
  });

  it('validate without a path or a config validates the built-ins instead of failing', async () => {
    const validate = program()
      .commands.find((c) => c.name() === 'workflows')
      ?.commands.find((c) => c.name() === 'validate');
    expect(validate?.registeredArguments.map((a) => a.required)).toEqual([false]);
    const out = capture();
    await runValidate(undefined, ioIn(out));
    expect(out.output()).toBe(
      'built-in workflows: 6 workflow(s) valid: checkin-preference-reply, checkin-welcome, registration-welcome, session-highlights, sponsor-channel, sponsor-relay\n',
    );
  });

  it('validate warns, naming both, when a second welcome would send on the same trigger', async () => {
    await mkdir(join(dir, 'flows'));
    await writeFile(
      join(dir, 'flows', 'mine.yaml'),
      WELCOME_YAML.replace('name: registration-welcome', 'name: my-welcome'),
    );
    await writeFile(join(dir, 'parley.config.yaml'), 'workflows:\n  path: flows\n');
    const out = capture();
    await runValidate(undefined, ioIn(out));
    const mine = join(dir, 'flows', 'mine.yaml');
    expect(out.output()).toBe(
      `${join(dir, 'flows')}: 1 workflow(s) valid: my-welcome\n` +
        `warning: registration-welcome (built-in) and my-welcome (${mine}) both send a message on trigger accelevents.registration: one event sends 2 messages\n` +
        '  fix: to replace the built-in, name the file\'s workflow "registration-welcome"; else remove one, or give them conditions that never hold together\n',
    );
  });

  it('list with the config’s workflows.path shows the file that replaces a built-in, once, with its scopes', async () => {
    await mkdir(join(dir, 'workflows'));
    await writeFile(join(dir, 'workflows', 'welcome.yaml'), WELCOME_YAML);
    await writeFile(
      join(dir, 'parley.config.yaml'),
      'features: [registration-welcome]\nworkflows:\n  path: workflows\n',
    );
    const out = capture();
    await runList(undefined, { json: true }, ioIn(out));
    expect(JSON.parse(out.output())).toEqual([
      {
        name: 'registration-welcome',
        trigger: 'accelevents.registration',
        lane: 'welcome',
        source: join(dir, 'workflows', 'welcome.yaml'),
        file: join(dir, 'workflows', 'welcome.yaml'),
        replacesBuiltIn: true,
        runs: 1,
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
    await runList('workflows', {}, ioIn(text));
    expect(text.output()).toContain(
      `  source: ${join(dir, 'workflows', 'welcome.yaml')} (replaces the built-in of this name)\n` +
        '  steps:  contact (contacts.upsert) → conversation (conversations.find-or-create) → welcome (highlevel.send-a-new-message)',
    );
  });

  it('list without a path or a config shows the built-ins the default features enable', async () => {
    const out = capture();
    await runList(undefined, {}, ioIn(out));
    const text = out.output();
    for (const name of ['registration-welcome', 'checkin-welcome', 'checkin-preference-reply', 'session-highlights']) {
      expect(text).toMatch(new RegExp(`^${name}  \\(trigger [^)]+\\)\\n  source: built-in\\n`, 'm'));
    }
    expect(text).toContain(
      'sponsor-channel  (trigger highlevel.inbound_message, lane automation)\n  source: built-in\n  status: not configured: no sponsors in sponsor.sponsors (see README "Sponsor channel")',
    );
    expect(text).not.toContain('warning');
  });

  it('list says where it looked when the config’s workflows.path does not exist', async () => {
    await writeFile(join(dir, 'parley.config.yaml'), 'workflows:\n  path: missing\n');
    const error = await runList(undefined, {}, ioIn(capture())).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'workflow_not_found', exitCode: 1 });
    expect((error as Error).message).toContain(join(dir, 'missing'));
  });
});

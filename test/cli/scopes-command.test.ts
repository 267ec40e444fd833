/**
 * `parley scopes`: the minimal scope set with reasons, from the config or --features, as text and
 * JSON, and each connection's missing and extra scopes once connections exist.
 */
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runScopes } from '../../src/cli/commands/scopes.js';
import { DEFAULT_FEATURES } from '../../src/features/feature-names.js';
import { planScopes } from '../../src/features/scope-planner.js';
import { createDiagnosticsWorld, type DiagnosticsWorld, thrownBy } from './diagnostics-world.js';

let world: DiagnosticsWorld;
beforeEach(async () => {
  world = await createDiagnosticsWorld();
});
afterEach(async () => {
  await world.dispose();
});

describe('parley scopes', () => {
  it('prints each scope of the --features set with what needs it', async () => {
    await runScopes({ features: 'agent-console-readonly' }, world.io());
    const out = world.output();
    expect(out).toContain('HighLevel scopes for agent-console-readonly (3):');
    expect(out).toMatch(
      /conversations\.readonly\n {2}agent-console-readonly +get-conversation; webhook ConversationUnreadUpdate\n {2}index-sync +search-conversation\n/,
    );
    expect(out).toMatch(/contacts\.readonly\n {2}agent-console-readonly +get-contact\n/);
    expect(out).toContain('Request: contacts.readonly conversations.readonly conversations/message.readonly');
    expect(out).not.toMatch(/\.write/);
  });

  it('says there are no HighLevel connections yet', async () => {
    await runScopes({ features: 'agent-console-readonly' }, world.io());
    expect(world.output()).toContain('No HighLevel connections yet.');
  });

  it('does not create a data directory or database when none exists', async () => {
    await runScopes({}, world.io());
    await expect(access(world.dataDir)).rejects.toThrow();
  });

  it('prints the plan for the config file features as JSON, without the sponsor relay when no staff ids are set', async () => {
    await writeFile(
      join(world.dir, 'parley.config.yaml'),
      'features: [sponsor-channel]\nsponsor:\n  sponsors: [{ name: Acme, keyword: ACME }]\n',
    );
    await runScopes({ json: true }, world.io());
    const answer = JSON.parse(world.output());
    const plan = planScopes(['sponsor-channel'], { skipWorkflows: ['sponsor-relay'] });
    expect(answer).toEqual({
      features: ['sponsor-channel'],
      scopes: plan.scopes,
      reasons: plan.reasons,
      connections: [],
    });
    // The channel tags the contact; only the deprecated relay sends or creates conversations.
    expect(answer.reasons['contacts.write']).toEqual([
      { feature: 'sponsor-channel', operations: ['add-tags'], events: [] },
    ]);
    expect(answer.reasons['conversations/message.write']).toBeUndefined();
    expect(answer.scopes).not.toContain('conversations.write');
  });

  it('plans the deprecated sponsor relay’s sends when sponsor.staffContactIds is set', async () => {
    await writeFile(
      join(world.dir, 'parley.config.yaml'),
      'features: [sponsor-channel]\nsponsor:\n  sponsors: [{ name: Acme, keyword: ACME }]\n  staffContactIds: [staff1]\n',
    );
    await runScopes({ json: true }, world.io());
    const answer = JSON.parse(world.output());
    expect(answer.reasons['conversations/message.write']).toEqual([
      { feature: 'sponsor-channel', operations: ['send-a-new-message'], events: [] },
    ]);
    expect(answer.reasons['conversations.write']).toEqual([
      { feature: 'sponsor-channel', operations: ['create-conversation'], events: [] },
    ]);
  });

  it('plans what the config’s own workflow files call, under user-workflows', async () => {
    await writeFile(
      join(world.dir, 'replies.yaml'),
      [
        'name: vip-replies',
        'trigger: highlevel.inbound_message',
        'steps:',
        '  - id: state',
        '    action: highlevel.update-conversation',
        '    with:',
        '      conversationId: "{{ message.conversationId }}"',
        '      locationId: "{{ location.id }}"',
        '      starred: "true"',
        '',
      ].join('\n'),
    );
    await writeFile(
      join(world.dir, 'parley.config.yaml'),
      'features: [registration-welcome]\nworkflows: { path: replies.yaml }\n',
    );
    await runScopes({ json: true }, world.io());
    const answer = JSON.parse(world.output());
    // The inbound trigger's webhook and its job's contact read come with the workflow, not with a feature.
    expect(answer.reasons['contacts.readonly']).toEqual([
      { feature: 'user-workflows', operations: ['get-contact'], events: [] },
    ]);
    expect(answer.reasons['conversations.write']).toContainEqual(
      expect.objectContaining({ feature: 'user-workflows', operations: ['update-conversation'] }),
    );
    expect(answer.scopes).toEqual(expect.arrayContaining(['contacts.readonly']));
    expect(planScopes(['registration-welcome']).scopes).not.toContain('contacts.readonly');
  });

  const writeConfigWithoutSponsors = () =>
    writeFile(join(world.dir, 'parley.config.yaml'), 'features: [registration-welcome, sponsor-channel]\n');

  it('says the sponsor channel is not configured when the config lists no sponsors', async () => {
    await writeConfigWithoutSponsors();
    await runScopes({}, world.io());
    const out = world.output();
    expect(out).toContain('HighLevel scopes for registration-welcome (');
    expect(out).toContain('sponsor-channel: not configured: no sponsors in sponsor.sponsors');
    expect(out).not.toMatch(/^ {2}sponsor-channel /m);
  });

  it('plans none of the sponsor channel’s scopes in --json when the config lists no sponsors', async () => {
    await writeConfigWithoutSponsors();
    await runScopes({ json: true }, world.io());
    const answer = JSON.parse(world.output());
    expect(answer.features).toEqual(['registration-welcome']);
    expect(answer.scopes).toEqual(planScopes(['registration-welcome']).scopes);
    expect(answer.notConfigured).toEqual([
      { feature: 'sponsor-channel', reason: expect.stringContaining('not configured') },
    ]);
  });

  /** Seeds a connection missing conversations.write and granted an extra locations.readonly. */
  async function seedMissingAndExtra() {
    const planned = planScopes(DEFAULT_FEATURES).scopes;
    const granted = [...planned.filter((s) => s !== 'conversations.write'), 'locations.readonly'];
    return (await world.seedHighLevel({ scopes: granted })).connection;
  }

  it('compares a connection’s scopes with the plan in its table', async () => {
    const connection = await seedMissingAndExtra();
    await runScopes({}, world.io());
    expect(world.output()).toContain(
      `${connection.accountKey} "Sandbox location" (oauth): missing conversations.write (needed by registration-welcome, checkin-welcome, agent-console); extra (not needed) locations.readonly`,
    );
  });

  it('compares a connection’s scopes with the plan in --json', async () => {
    const connection = await seedMissingAndExtra();
    await runScopes({ json: true }, world.io());
    const [entry] = JSON.parse(world.output()).connections;
    expect(entry).toMatchObject({
      accountKey: connection.accountKey,
      missing: [
        {
          scope: 'conversations.write',
          // session-highlights is not configured (no polled event), so it plans nothing.
          features: ['registration-welcome', 'checkin-welcome', 'agent-console'],
        },
      ],
      extra: ['locations.readonly'],
    });
  });

  it('says the scopes match for a connection granted exactly the plan', async () => {
    await world.seedHighLevel({ scopes: planScopes(DEFAULT_FEATURES).scopes });
    await runScopes({}, world.io());
    expect(world.output()).toMatch(/location:\S+ "Sandbox location" \(oauth\): scopes match the plan/);
  });

  it('refuses an unknown --features name, saying which names are allowed', async () => {
    const error = await thrownBy(() => runScopes({ features: 'registration-welcome,agent-consol' }, world.io()));
    expect(error.code).toBe('invalid_option');
    expect(error.message).toContain('unknown feature "agent-consol"');
    expect(error.message).toContain('agent-console-readonly');
  });
});

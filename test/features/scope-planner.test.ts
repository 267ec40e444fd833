/**
 * The scope planner derives each feature's scopes from what it calls: its built-in workflows' steps
 * (guards included) and triggers, its code paths outside workflows (the inbound-message job, the
 * console), the index sync every worker runs, and the operation catalog's scope per operation.
 */
import { describe, expect, it } from 'vitest';
import { buildCatalog, workflowScopes } from '../../src/features/catalog.js';
import { CONSOLE_READ_OPERATIONS, CONSOLE_WRITE_OPERATIONS } from '../../src/features/console-operations.js';
import { FEATURE_WORKFLOWS } from '../../src/features/enabled-workflows.js';
import { DEFAULT_FEATURES, FEATURE_NAMES } from '../../src/features/feature-names.js';
import { CODE_PATHS, TRIGGER_SOURCES } from '../../src/features/feature-operations.js';
import { featureWorkflows } from '../../src/features/scope-needs.js';
import { compareGranted, featuresNeeding, planScopes } from '../../src/features/scope-planner.js';
import { HIGHLEVEL_EVENT_JOB_OPERATIONS } from '../../src/features/webhook-event-operations.js';
import { KNOWN_OPERATIONS } from '../../src/highlevel/operation-catalog.js';
import { WEBHOOK_EVENT_SCOPES } from '../../src/highlevel/webhook-event-scopes.js';
import { getAction } from '../../src/workflows/actions/action-registry.js';
import { TRIGGERS } from '../../src/workflows/triggers.js';

const scopeOf = (operationId: string) => KNOWN_OPERATIONS.find((op) => op.operationId === operationId)?.scopes ?? [];

describe('planScopes', () => {
  it('gives registration-welcome the scopes of what its steps call, the send guard’s read included', () => {
    const plan = planScopes(['registration-welcome']);
    expect(plan.scopes).toEqual([
      'contacts.write',
      'conversations.readonly',
      'conversations.write',
      'conversations/message.readonly',
      'conversations/message.write',
    ]);
    expect(plan.reasons['contacts.write']).toEqual([
      { feature: 'registration-welcome', operations: ['upsert-contact'], events: [] },
    ]);
    expect(plan.reasons['conversations.readonly']?.[0]).toEqual({
      feature: 'registration-welcome',
      operations: ['search-conversation', 'get-conversation'],
      events: [],
    });
    // The send guard reads the conversation's messages before a retried send.
    expect(plan.reasons['conversations/message.readonly']?.[0]).toEqual({
      feature: 'registration-welcome',
      operations: ['get-messages'],
      events: [],
    });
  });

  it('gives every feature whose workflows react to inbound messages contacts.readonly, for the job’s get-contact', () => {
    for (const feature of ['checkin-welcome', 'sponsor-channel'] as const) {
      expect(planScopes([feature]).reasons['contacts.readonly']).toEqual([
        { feature, operations: ['get-contact'], events: [] },
      ]);
      expect(featuresNeeding('conversations/message.readonly', [feature])).toContain(feature);
    }
    expect(planScopes(['registration-welcome', 'session-highlights']).scopes).not.toContain('contacts.readonly');
  });

  it('plans for sponsor-channel every scope `workflows list` shows for each of its workflows', () => {
    const plan = planScopes(['sponsor-channel']);
    const workflows = featureWorkflows('sponsor-channel');
    expect(workflows.map((w) => w.name)).toContain('sponsor-channel');
    for (const workflow of workflows) expect(plan.scopes).toEqual(expect.arrayContaining(workflowScopes(workflow)));
  });

  it('plans for each feature exactly the union of the scopes its workflows, code paths or events need', () => {
    for (const feature of FEATURE_NAMES) {
      const plan = planScopes([feature]);
      const expected = new Set<string>();
      for (const workflow of featureWorkflows(feature))
        for (const scope of workflowScopes(workflow)) expected.add(scope);
      const paths = feature === 'agent-console' ? ['console reads', 'console writes'] : [];
      if (feature === 'agent-console-readonly') paths.push('console reads');
      for (const path of [...paths, 'index sync'] as (keyof typeof CODE_PATHS)[]) {
        for (const op of CODE_PATHS[path]) for (const scope of scopeOf(op)) expected.add(scope);
      }
      if (feature.startsWith('agent-console')) {
        for (const scope of Object.values(WEBHOOK_EVENT_SCOPES)) expected.add(scope);
      }
      // HighLevel requires it of an app with workflow triggers and actions.
      if (feature === 'marketplace') expected.add('workflows.readonly');
      expect(plan.scopes, feature).toEqual([...expected].sort());
    }
  });

  it('plans workflows.readonly only when the marketplace feature is on', () => {
    expect(planScopes(DEFAULT_FEATURES).scopes).not.toContain('workflows.readonly');
    expect(planScopes([...DEFAULT_FEATURES, 'marketplace']).scopes).toContain('workflows.readonly');
    expect(planScopes([...DEFAULT_FEATURES, 'marketplace']).reasons['workflows.readonly']).toEqual([
      { feature: 'marketplace', operations: ['marketplace workflow triggers and actions'], events: [] },
    ]);
  });

  it('finds every built-in workflow each feature names', () => {
    for (const feature of FEATURE_NAMES) {
      expect(featureWorkflows(feature).map((w) => w.name)).toEqual([...(FEATURE_WORKFLOWS[feature] ?? [])]);
    }
  });

  it('gives the read-only console read scopes only, get-contact’s for a conversation the index lacks included', () => {
    const readonly = planScopes(['agent-console-readonly']);
    expect(readonly.scopes).toEqual(['contacts.readonly', 'conversations.readonly', 'conversations/message.readonly']);
    expect(readonly.scopes.filter((scope) => scope.endsWith('.write'))).toEqual([]);
  });

  it('gives the full console the scope of every operation its code calls, the writes included', () => {
    const full = planScopes(['agent-console']);
    for (const op of [...CONSOLE_READ_OPERATIONS, ...CONSOLE_WRITE_OPERATIONS]) {
      for (const scope of scopeOf(op)) {
        expect(full.reasons[scope]?.find((r) => r.feature === 'agent-console')?.operations, op).toContain(op);
      }
    }
  });

  it('explains an event-only need: ConversationUnreadUpdate under conversations.readonly', () => {
    const plan = planScopes(['agent-console-readonly']);
    expect(plan.reasons['conversations.readonly']?.[0]?.events).toEqual(['ConversationUnreadUpdate']);
    expect(plan.reasons['conversations/message.readonly']?.[0]?.events).toEqual(['InboundMessage', 'OutboundMessage']);
  });

  it('lists the index sync every worker runs as its own consumer of the read scopes', () => {
    const plan = planScopes(['registration-welcome']);
    expect(plan.reasons['conversations/message.readonly']?.find((r) => r.feature === 'index-sync')).toEqual({
      feature: 'index-sync',
      operations: ['get-messages', 'get-message-transcription'],
      events: [],
    });
  });

  it('adds the oauth scopes for an agency (Company) grant only', () => {
    expect(planScopes(['sponsor-channel']).scopes).not.toContain('oauth.write');
    const agency = planScopes(['sponsor-channel'], { userType: 'Company' });
    expect(agency.reasons['oauth.write']).toEqual([
      { feature: 'agency-location-tokens', operations: ['get-location-access-token'], events: [] },
    ]);
    expect(agency.reasons['oauth.readonly']?.[0]?.operations).toEqual(['get-installed-location']);
  });

  it('lists each feature once per scope when several features share it', () => {
    const plan = planScopes(['registration-welcome', 'checkin-welcome', 'registration-welcome']);
    expect(plan.reasons['contacts.write']?.map((r) => r.feature)).toEqual(['registration-welcome', 'checkin-welcome']);
  });

  it('takes every code path’s operations from the catalog of known operations', () => {
    const known = new Set(KNOWN_OPERATIONS.map((op) => op.operationId));
    for (const [path, operations] of Object.entries(CODE_PATHS)) {
      for (const op of operations) expect(known.has(op), `${path}: ${op}`).toBe(true);
    }
    expect([...HIGHLEVEL_EVENT_JOB_OPERATIONS]).toEqual(['get-contact']);
  });
});

describe('the operations catalog and the planner agree', () => {
  it('gives the inbound-message trigger its webhook scope plus the delivering job’s contacts.readonly', () => {
    const trigger = buildCatalog().triggers.find((t) => t.name === 'highlevel.inbound_message');
    expect(trigger?.scopes).toEqual(['contacts.readonly', 'conversations/message.readonly']);
  });

  it('keeps each HighLevel trigger’s own webhook scopes among the events the planner reads', () => {
    for (const [name, source] of Object.entries(TRIGGER_SOURCES)) {
      const spec = TRIGGERS[name as keyof typeof TRIGGERS];
      expect([...spec.scopes].sort(), name).toEqual(
        [...new Set(source.events.map((e) => WEBHOOK_EVENT_SCOPES[e]))].sort(),
      );
    }
  });

  it('plans every scope a step’s action declares, so a new action needs no hand list in the planner', () => {
    for (const feature of FEATURE_NAMES) {
      const planned = planScopes([feature]).scopes;
      for (const step of featureWorkflows(feature).flatMap((w) => w.steps)) {
        for (const scope of getAction(step.action)?.scopes ?? [])
          expect(planned, `${feature} ${step.id}`).toContain(scope);
      }
    }
  });
});

describe('compareGranted', () => {
  const comparedWithAGrant = () =>
    compareGranted(planScopes(['session-highlights', 'agent-console-readonly']), [
      'conversations.readonly',
      'conversations/message.readonly',
      'conversations/message.write',
      'contacts.readonly',
      'locations.readonly',
    ]);

  it('names each missing scope with the features that need it', () => {
    const result = comparedWithAGrant();
    expect(result.missing).toEqual([
      { scope: 'contacts.write', features: ['session-highlights'] },
      { scope: 'conversations.write', features: ['session-highlights'] },
    ]);
  });

  it('lists the granted scopes the plan does not need', () => {
    expect(comparedWithAGrant().extra).toEqual(['locations.readonly']);
  });

  it('reports nothing when exactly the planned scopes are granted', () => {
    const plan = planScopes(['agent-console']);
    expect(compareGranted(plan, plan.scopes)).toEqual({ missing: [], extra: [] });
  });
});

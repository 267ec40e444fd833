/**
 * The scope planner derives scopes from the operation catalog (the spec) and the §7.7 event table,
 * explains each one, and names the feature behind every missing scope.
 */
import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '../../src/config/feature-names.js';
import { CONVERSATION_OPERATIONS } from '../../src/highlevel/generated/operations.js';
import { findOperation } from '../../src/highlevel/operation-catalog.js';
import { FEATURES } from '../../src/workflows/features.js';
import { compareGranted, featuresNeeding, planScopes } from '../../src/workflows/scope-planner.js';

describe('planScopes', () => {
  it('gives registration-welcome contacts.write, conversations.write, conversations/message.write and the reads of its guard', () => {
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
    expect(plan.reasons['conversations/message.readonly']).toEqual([
      { feature: 'registration-welcome', operations: ['get-messages'], events: [] },
    ]);
  });

  it('takes each operation scope from the generated catalog, so the plan follows the spec', () => {
    const plan = planScopes(['agent-console']);
    for (const [scope, reasons] of Object.entries(plan.reasons)) {
      for (const reason of reasons) {
        for (const operationId of reason.operations) {
          const fromSpec = CONVERSATION_OPERATIONS.find((op) => op.operationId === operationId);
          expect(fromSpec?.scopes).toContain(scope);
        }
      }
    }
    expect(plan.reasons['conversations.write']?.[0]?.operations).toEqual([
      'update-conversation',
      'delete-conversation',
    ]);
  });

  it('gives agent-console-readonly no write scope at all: only the two read scopes', () => {
    const plan = planScopes(['agent-console-readonly']);
    expect(plan.scopes).toEqual(['conversations.readonly', 'conversations/message.readonly']);
    expect(plan.scopes.filter((scope) => scope.endsWith('.write'))).toEqual([]);
  });

  it('explains an event-only need: ConversationUnreadUpdate under conversations.readonly', () => {
    const plan = planScopes(['agent-console-readonly']);
    expect(plan.reasons['conversations.readonly']?.[0]?.events).toEqual(['ConversationUnreadUpdate']);
    expect(plan.reasons['conversations/message.readonly']?.[0]?.events).toEqual(['InboundMessage', 'OutboundMessage']);
  });

  it('adds oauth.write and oauth.readonly for an agency (Company) grant only', () => {
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

  it('describes every feature with operations the catalog knows', () => {
    for (const name of FEATURE_NAMES) {
      for (const operationId of FEATURES[name].operations)
        expect(findOperation(operationId).operationId).toBe(operationId);
    }
  });
});

describe('featuresNeeding', () => {
  it('names the enabled features that need a scope, and none for a scope no feature uses', () => {
    const enabled = ['registration-welcome', 'agent-console-readonly', 'sponsor-channel'] as const;
    expect(featuresNeeding('conversations/message.write', enabled)).toEqual([
      'registration-welcome',
      'sponsor-channel',
    ]);
    expect(featuresNeeding('conversations/livechat.write', enabled)).toEqual([]);
  });
});

describe('compareGranted', () => {
  it('names each missing scope with the features that need it and lists the extras', () => {
    const plan = planScopes(['session-highlights', 'agent-console-readonly']);
    const result = compareGranted(plan, [
      'conversations.readonly',
      'conversations/message.readonly',
      'conversations/message.write',
      'contacts.readonly',
      'locations.readonly',
    ]);
    expect(result.missing).toEqual([
      { scope: 'contacts.write', features: ['session-highlights'] },
      { scope: 'conversations.write', features: ['session-highlights'] },
    ]);
    expect(result.extra).toEqual(['contacts.readonly', 'locations.readonly']);
  });

  it('reports nothing when exactly the planned scopes are granted', () => {
    const plan = planScopes(['agent-console']);
    expect(compareGranted(plan, plan.scopes)).toEqual({ missing: [], extra: [] });
  });
});

/**
 * The payload mapping for admins, shared by the API (../api/mapping-routes.ts) and the Mapping page:
 * the config file's mapping (the base), what an admin saved on top of it, the effective result,
 * previews of a stored delivery under the effective or a proposed mapping, and which ignored
 * deliveries a mapping would now accept. Saving is logged with the admin's user id (the audit table
 * holds HighLevel calls only) and the document keeps who saved it and when.
 */
import type { Kysely } from 'kysely';
import { applyOverrides, type EffectiveMapping, loadEffectiveMapping } from '../../intake/effective-mapping.js';
import { IntakeError } from '../../intake/intake-error.js';
import {
  type AffectedDeliveries,
  type DeliveryPreview,
  findAffectedDeliveries,
  previewDelivery,
} from '../../intake/preview-mapping.js';
import {
  checkMappingOverrides,
  type MappingOverrides,
  mappingIssuesText,
  type SavedMapping,
  saveMapping,
} from '../../intake/saved-mapping.js';
import type { AcceleventsWebhookConfig } from '../../intake/webhook-config.js';
import type { AcceleventsWebhookSettings } from '../../intake/webhook-settings.js';
import { INTAKE_TOPICS, MAPPED_FIELDS } from '../../intake/webhook-vocabulary.js';
import type { Logger } from '../../lib/create-logger.js';
import type { Database } from '../../store/schema.js';
import type { Caller } from '../auth/resolve-caller.js';
import { actorOf } from '../console-deps.js';
import { ConsoleError } from '../console-error.js';

export interface MappingDeps {
  db: Kysely<Database>;
  /** `accelevents.webhook` from the file config: the base. */
  webhook?: AcceleventsWebhookSettings;
  logger: Logger;
  now: () => number;
}

/** The parts of a mapping an admin can see and change. */
export interface MappingDocument {
  fields: Record<string, string[]>;
  topic: { paths: string[]; aliases: Record<string, string> };
  /** Where an order lists its people (set in the config file only). */
  people: { lists: string[] };
}

export interface SavedMappingView extends MappingOverrides {
  updatedBy: string | null;
  /** The saving admin's email, when the user still exists. */
  updatedByEmail: string | null;
  updatedAt: string;
}

export interface MappingView {
  base: MappingDocument;
  saved: SavedMappingView | null;
  /** Why the saved mapping is not applied (it no longer validates); null when it is. */
  problem: string | null;
  effective: MappingDocument;
  affected: AffectedDeliveries;
  vocabulary: { fields: readonly string[]; topics: readonly string[] };
}

function documentOf(config: AcceleventsWebhookConfig): MappingDocument {
  return {
    fields: { ...config.fields },
    topic: { paths: [...config.topic.paths], aliases: { ...config.topic.aliases } },
    people: { lists: [...config.people.lists] },
  };
}

async function savedView(db: Kysely<Database>, saved: SavedMapping | null): Promise<SavedMappingView | null> {
  if (saved === null) return null;
  const user =
    saved.updatedBy === null
      ? undefined
      : await db.selectFrom('users').select('email').where('id', '=', saved.updatedBy).executeTakeFirst();
  return { ...saved, updatedByEmail: user?.email ?? null, updatedAt: new Date(saved.updatedAt).toISOString() };
}

async function viewOf(db: Kysely<Database>, effective: EffectiveMapping): Promise<MappingView> {
  return {
    base: documentOf(effective.base),
    saved: await savedView(db, effective.saved),
    problem: effective.problem,
    effective: documentOf(effective.config),
    affected: await findAffectedDeliveries(db, effective),
    vocabulary: { fields: MAPPED_FIELDS, topics: INTAKE_TOPICS },
  };
}

export async function getMappingView(deps: Pick<MappingDeps, 'db' | 'webhook'>): Promise<MappingView> {
  return viewOf(deps.db, await loadEffectiveMapping(deps.db, deps.webhook));
}

/** Checks overrides with the config file's rules; `prefix` names where they sit in the request body. */
function checkedOverrides(input: unknown, prefix: string): MappingOverrides {
  const checked = checkMappingOverrides(input ?? {});
  if (checked.ok) return checked.overrides;
  const issues = checked.issues.map((issue) => ({
    ...issue,
    field: prefix ? (issue.field === '(top level)' ? prefix : `${prefix}.${issue.field}`) : issue.field,
  }));
  throw new ConsoleError('invalid_request', `the mapping is not valid: ${mappingIssuesText(issues)}`, {
    field: issues[0]?.field ?? (prefix || 'mapping'),
  });
}

function applied(base: AcceleventsWebhookConfig, overrides: MappingOverrides, field: string) {
  try {
    return applyOverrides(base, overrides);
  } catch (error) {
    if (error instanceof IntakeError) throw new ConsoleError('invalid_request', error.message, { field });
    throw error;
  }
}

/** Replaces the saved mapping with `body` (the whole document, not a patch). */
export async function saveMappingFromConsole(deps: MappingDeps, body: unknown, caller: Caller): Promise<MappingView> {
  const overrides = checkedOverrides(body, '');
  const current = await loadEffectiveMapping(deps.db, deps.webhook);
  applied(current.base, overrides, 'mapping');
  await saveMapping(deps.db, overrides, { userId: caller.userId, now: deps.now() });
  // Ids and mapping keys only: paths and topic names are configuration, never attendee data.
  deps.logger.info(
    {
      actor: actorOf(caller),
      fields: Object.keys(overrides.fields ?? {}),
      topicPaths: overrides.topic?.paths?.length ?? 0,
      aliases: Object.keys(overrides.topic?.aliases ?? {}),
    },
    'payload mapping saved from the console',
  );
  return getMappingView(deps);
}

export interface PreviewRequest {
  deliveryId: string;
  /** A proposed mapping (the document PUT /api/admin/mapping takes); absent: the effective one. */
  mapping?: unknown;
}

export async function previewMappingFromConsole(
  deps: Pick<MappingDeps, 'db' | 'webhook'>,
  request: PreviewRequest,
): Promise<DeliveryPreview & { mapping: 'effective' | 'proposed' }> {
  const effective = await loadEffectiveMapping(deps.db, deps.webhook);
  const proposed = request.mapping !== undefined;
  const used = proposed ? applied(effective.base, checkedOverrides(request.mapping, 'mapping'), 'mapping') : effective;
  let preview: DeliveryPreview | null;
  try {
    preview = await previewDelivery(deps.db, request.deliveryId, used);
  } catch (error) {
    if (error instanceof IntakeError) throw new ConsoleError('invalid_request', error.message, { field: 'deliveryId' });
    throw error;
  }
  if (preview === null) {
    throw new ConsoleError('not_found', `no Accelevents delivery ${request.deliveryId} (it may have been pruned)`, {
      field: 'deliveryId',
    });
  }
  return { ...preview, mapping: proposed ? 'proposed' : 'effective' };
}

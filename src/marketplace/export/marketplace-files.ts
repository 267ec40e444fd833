/**
 * The trigger and action catalogs (trigger-catalog.ts, action-catalog.ts) as the files of HighLevel's
 * official marketplace CLI (https://github.com/GoHighLevel/marketplace-cli): one JSON file per trigger
 * in `src/modules/workflows/triggers/` and per action in `src/modules/workflows/actions/`, named by the
 * key with `_` as `-` (the CLI derives the key back from the name), each
 * `{ schemaVersion: 1, key, versions: [{ version: "1.0", status: "draft", … }] }` as a new local file
 * must be (src/lib/workflows/triggers/guide.ts and actions/guide.ts there). URLs are parley's public
 * base URL plus the route; the one header is the marketplace secret as `${env:…}`, which the CLI reads
 * from the environment on push and never writes back.
 *
 * Output is deterministic (keys sorted at every level, two-space indent, trailing newline), so the
 * copy committed under `marketplace/` can be compared byte for byte.
 */
import { ACTION_CATALOG, type ActionField, type MarketplaceAction, type OptionsSource } from '../action-catalog.js';
import { ACTIONS_PATH, FIELDS_PATH, OPTIONS_PATH } from '../actions/register-action-routes.js';
import { MARKETPLACE_SECRET_HEADER } from '../marketplace-secret.js';
import { SUBSCRIPTION_PATH } from '../subscription-route.js';
import { type MarketplaceTrigger, TRIGGER_CATALOG, type TriggerFilter } from '../trigger-catalog.js';

/** The environment variable the marketplace CLI reads the secret from on push. */
export const SECRET_ENV = 'PARLEY_MARKETPLACE_SECRET';
export const TRIGGERS_DIR = 'src/modules/workflows/triggers';
export const ACTIONS_DIR = 'src/modules/workflows/actions';
/** The CLI's limits (src/lib/workflows/triggers/schema.ts and actions/schema.ts there). */
const MAX_TRIGGERS = 20;
const MAX_ACTIONS = 30;

export interface ExportOptions {
  /** parley's public base URL, e.g. https://parley.example.com (no path, query or fragment). */
  publicUrl: string;
}

export class ExportError extends Error {
  override readonly name = 'ExportError';
}

export function checkPublicUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ExportError(
      `public URL: expected an absolute https URL such as https://parley.example.com, got "${raw}"`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ExportError(`public URL: expected http(s), got ${url.protocol}`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ExportError(`public URL: expected no query, fragment or credentials, got "${raw}"`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function headers(): Record<string, string> {
  return { [MARKETPLACE_SECRET_HEADER]: `\${env:${SECRET_ENV}}` };
}

/** `parley_add_note` → `parley-add-note.json`. */
export function fileNameOf(key: string): string {
  return `${key.replaceAll('_', '-')}.json`;
}

function optionsUrl(base: string, source: OptionsSource): string {
  return `${base}${OPTIONS_PATH.replace(':name', source)}`;
}

function filterOf(base: string, filter: TriggerFilter): Record<string, unknown> {
  return {
    field: filter.field,
    title: filter.title,
    fieldType: filter.fieldType,
    required: false,
    ...(filter.options ? { options: filter.options.map((o) => ({ label: o.label, value: o.value })) } : {}),
    ...(filter.optionsSource
      ? { fetchOptions: { url: optionsUrl(base, filter.optionsSource), headers: headers() } }
      : {}),
  };
}

function triggerFile(base: string, trigger: MarketplaceTrigger): Record<string, unknown> {
  return {
    schemaVersion: 1,
    key: trigger.key,
    versions: [
      {
        version: '1.0',
        status: 'draft',
        info: { name: trigger.name, description: trigger.description, summary: trigger.summary },
        customVarsJson: trigger.sampleData,
        filters: trigger.filters.map((filter) => filterOf(base, filter)),
        customVars: trigger.customVariables.map((v) => ({
          name: v.name,
          reference: v.reference,
          fieldType: v.fieldType,
        })),
        subscriptionConfig: { url: `${base}${SUBSCRIPTION_PATH}`, headers: headers() },
      },
    ],
  };
}

function inputOf(base: string, action: MarketplaceAction, field: ActionField): Record<string, unknown> {
  if (field.fieldType === 'DYNAMIC') {
    return {
      field: 'DYNAMIC',
      title: field.title,
      fieldType: 'DYNAMIC',
      required: false,
      dynamicFieldsConfig: { url: `${base}${FIELDS_PATH.replace(':actionKey', action.key)}`, headers: headers() },
    };
  }
  return {
    field: field.field,
    title: field.title,
    fieldType: field.fieldType,
    required: field.required,
    ...(field.helpText ? { helpText: field.helpText } : {}),
    ...(field.placeholder ? { placeholder: field.placeholder } : {}),
    ...(field.options ? { options: field.options.map((o) => ({ label: o.label, value: o.value })) } : {}),
    ...(field.optionsSource
      ? { fetchOptions: { url: optionsUrl(base, field.optionsSource), headers: headers() } }
      : {}),
    ...(field.validation ? { validations: [field.validation] } : {}),
  };
}

function actionFile(base: string, action: MarketplaceAction): Record<string, unknown> {
  return {
    schemaVersion: 1,
    key: action.key,
    versions: [
      {
        version: '1.0',
        status: 'draft',
        info: { name: action.name, description: action.description, summary: action.summary },
        inputs: action.fields.map((field) => inputOf(base, action, field)),
        customVarsJson: action.sampleOutput,
        customVars: action.outputs.map((o) => ({ name: o.name, reference: o.reference, fieldType: o.fieldType })),
        executionConfig: {
          type: 'API',
          url: `${base}${ACTIONS_PATH.replace(':actionKey', action.key)}`,
          method: 'POST',
          headers: headers(),
          pauseExecution: false,
        },
        payloadCustomizationType: 'default',
        customizedPayload: {},
        branchesConfig: {
          info: { allowNewCondition: false, isDefaultBranchEditable: false, showBranchSection: true },
          predefinedBranches: {
            branches: action.branches.map((b) => ({ id: b.id, branchName: b.name, conditionType: 'default' })),
          },
        },
      },
    ],
  };
}

/** JSON with every object's keys sorted (arrays keep their order), two-space indent, trailing newline. */
export function stableJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v as Record<string, unknown>)
          .sort()
          .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return `${JSON.stringify(sorted(value), null, 2)}\n`;
}

/** Every file of the export: relative path (with `/`) → content, sorted by path. */
export function marketplaceFiles(options: ExportOptions): Map<string, string> {
  const base = checkPublicUrl(options.publicUrl);
  if (TRIGGER_CATALOG.length > MAX_TRIGGERS) {
    throw new ExportError(
      `HighLevel takes at most ${MAX_TRIGGERS} triggers per app; the catalog has ${TRIGGER_CATALOG.length}`,
    );
  }
  if (ACTION_CATALOG.length > MAX_ACTIONS) {
    throw new ExportError(
      `HighLevel takes at most ${MAX_ACTIONS} actions per app; the catalog has ${ACTION_CATALOG.length}`,
    );
  }
  const files: [string, string][] = [
    ...TRIGGER_CATALOG.map((t): [string, string] => [
      `${TRIGGERS_DIR}/${fileNameOf(t.key)}`,
      stableJson(triggerFile(base, t)),
    ]),
    ...ACTION_CATALOG.map((a): [string, string] => [
      `${ACTIONS_DIR}/${fileNameOf(a.key)}`,
      stableJson(actionFile(base, a)),
    ]),
  ];
  return new Map(files.sort(([a], [b]) => a.localeCompare(b)));
}

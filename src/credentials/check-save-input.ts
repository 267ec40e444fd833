/**
 * Checks a `SaveConnectionInput` before anything is encrypted or written, with a message naming the
 * field and what was expected. Which secret each kind needs follows types.ts: OAuth has a rotating
 * refresh token, a PIT and a location token only an access token, an Accelevents connection an
 * API key.
 */
import { ConnectionError } from './connection-error.js';
import type { ConnectionKind, SaveConnectionInput } from './types.js';

const KINDS_BY_PROVIDER: Record<string, readonly ConnectionKind[]> = {
  highlevel: ['oauth', 'pit', 'location_token'],
  accelevents: ['api_key'],
};

const ACCOUNT_KEY = /^(location|company|accelevents):\S.*$/;

function fail(field: string, expected: string, got?: unknown): never {
  const shown = got === undefined ? '' : `, got ${JSON.stringify(got)}`;
  throw new ConnectionError('invalid_input', `save connection: ${field} must be ${expected}${shown}`);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

export function checkSaveInput(input: SaveConnectionInput): void {
  if (typeof input !== 'object' || input === null) fail('the input', 'an object');
  const kinds = KINDS_BY_PROVIDER[input.provider as string];
  if (!kinds) fail('provider', 'one of highlevel, accelevents', input.provider);
  if (!kinds.includes(input.kind))
    fail('kind', `one of ${kinds.join(', ')} for provider ${input.provider}`, input.kind);
  if (typeof input.accountKey !== 'string' || !ACCOUNT_KEY.test(input.accountKey)) {
    fail('accountKey', "'location:<id>', 'company:<id>' or 'accelevents:<base url>'", input.accountKey);
  }
  if (typeof input.label !== 'string') fail('label', 'a string', input.label);
  if (!Array.isArray(input.scopes) || !input.scopes.every((s) => isText(s) && !/\s/.test(s))) {
    fail('scopes', 'an array of scope names without spaces', input.scopes);
  }
  const { userType } = input;
  if (userType !== undefined && userType !== null && userType !== 'Location' && userType !== 'Company') {
    fail('userType', "'Location', 'Company' or null", userType);
  }
  for (const field of ['locationId', 'companyId', 'parentId'] as const) {
    const value = input[field];
    if (value !== undefined && value !== null && !isText(value)) fail(field, 'a non-empty string or null', value);
  }
  const { expiresAt } = input;
  if (expiresAt !== undefined && expiresAt !== null && !(typeof expiresAt === 'number' && Number.isFinite(expiresAt))) {
    fail('expiresAt', 'epoch milliseconds or null', expiresAt);
  }
  const { settings } = input;
  if (settings !== undefined && (typeof settings !== 'object' || settings === null || Array.isArray(settings))) {
    fail('settings', 'a plain object of non-secret settings');
  }
  checkSecrets(input);
}

function checkSecrets(input: SaveConnectionInput): void {
  const secrets = input.secrets;
  // Secret values are never echoed: only their presence is described.
  if (typeof secrets !== 'object' || secrets === null) fail('secrets', 'an object');
  const need = (field: 'accessToken' | 'refreshToken' | 'apiKey') => {
    if (!isText(secrets[field])) {
      throw new ConnectionError(
        'invalid_input',
        `save connection: secrets.${field} must be a non-empty string for a ${input.kind} connection`,
      );
    }
  };
  if (input.kind === 'api_key') {
    need('apiKey');
    return;
  }
  need('accessToken');
  if (input.kind === 'oauth') need('refreshToken');
  if (input.kind === 'location_token' && !isText(input.parentId)) {
    fail('parentId', 'the id of the agency connection that mints this location token', input.parentId);
  }
  if (input.kind !== 'oauth' && secrets.refreshToken !== undefined) {
    throw new ConnectionError(
      'invalid_input',
      `save connection: a ${input.kind} connection has no refresh token; leave secrets.refreshToken out`,
    );
  }
}

/**
 * The four ways an Accelevents API key may be sent. Which one production wants is not settled
 * (docs/accelevents-assumptions.md): the reference pages show `Authorization: <key>`, the guide says
 * "AUTHENTICATION header", and a team calling production reports that `Authorization: Bearer <key>`
 * works on GET but answers 401 on PUT, where `Key: <key>` works. So the preset is configurable, with a
 * separate one for writes.
 */

export type AcceleventsAuthPreset = 'authorization' | 'bearer' | 'key' | 'authentication';

export const AUTH_PRESETS: readonly AcceleventsAuthPreset[] = ['authorization', 'bearer', 'key', 'authentication'];

/** How each preset looks on the wire, for help texts and error hints. Never shows a key. */
export const AUTH_PRESET_HEADERS: Record<AcceleventsAuthPreset, string> = {
  authorization: 'Authorization: <key>',
  bearer: 'Authorization: Bearer <key>',
  key: 'Key: <key>',
  authentication: 'AUTHENTICATION: <key>',
};

export function isAuthPreset(value: unknown): value is AcceleventsAuthPreset {
  return typeof value === 'string' && (AUTH_PRESETS as readonly string[]).includes(value);
}

/** Header name (lower case) and value for a preset. */
export function authHeader(preset: AcceleventsAuthPreset, apiKey: string): [name: string, value: string] {
  switch (preset) {
    case 'authorization':
      return ['authorization', apiKey];
    case 'bearer':
      return ['authorization', `Bearer ${apiKey}`];
    case 'key':
      return ['key', apiKey];
    case 'authentication':
      return ['authentication', apiKey];
  }
}

/** Header names that carry the key under some preset: never logged, never put in an error. */
export const AUTH_HEADER_NAMES: ReadonlySet<string> = new Set(['authorization', 'key', 'authentication']);

/**
 * A key must be a single header token: a newline or space in it would either split the header or make
 * fetch throw an error whose message quotes the value (the key) verbatim.
 */
export function apiKeyProblem(apiKey: unknown): string | null {
  if (typeof apiKey !== 'string' || apiKey.length === 0) return 'the API key is empty';
  // Visible ASCII only (RFC 9110 field-value without spaces); keys are generated strings.
  if (!/^[\x21-\x7e]+$/.test(apiKey)) return 'the API key contains spaces, line breaks or non-ASCII characters';
  return null;
}

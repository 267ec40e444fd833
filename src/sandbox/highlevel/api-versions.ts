/**
 * The `Version` header values HighLevel lists as supported at https://marketplace.gohighlevel.com/docs/Versioning.
 * Each published spec pins a single value (2021-04-15 for conversations, 2021-07-28 for OAuth, v3 for the
 * v3 specs), but the official SDK sends 2023-02-21 on every call by default, so the sandbox takes any listed one.
 */
export const SUPPORTED_API_VERSIONS: readonly string[] = ['2021-04-15', '2021-07-28', '2023-02-21', 'v3', 'legacy'];

export type VersionCheck = { ok: true } | { ok: false; message: string };

/** `recommended` is the operation's spec value, named when the header is missing. */
export function checkVersionHeader(header: string | string[] | undefined, recommended: string): VersionCheck {
  if (header === undefined || header === '') {
    return { ok: false, message: `Version header is required: expected "${recommended}"` };
  }
  const value = Array.isArray(header) ? header.join(', ') : header;
  if (SUPPORTED_API_VERSIONS.includes(value)) return { ok: true };
  return {
    ok: false,
    message: `Version header "${value}" is not a supported API version: expected one of ${SUPPORTED_API_VERSIONS.join(', ')} ("${recommended}" for this operation)`,
  };
}

/**
 * The sandbox's calls to a Marketplace app (subscription and custom action URLs), the way HighLevel
 * makes them: a JSON POST carrying only the app's static headers. And the redaction applied to the
 * headers the sandbox records from the app's calls to it, so no credential is kept in its logs.
 */

export type AppAnswer = { status: number; body: unknown; error: null } | { status: null; body: null; error: string };

/**
 * HighLevel states no timeout for calls to an app (https://github.com/GoHighLevel/highlevel-api-docs/issues/323);
 * 10 s, as for webhook deliveries (webhook-dispatcher.ts), keeps a stuck app from holding a workflow.
 */
const APP_CALL_TIMEOUT_MS = 10_000;

export async function postToApp(
  fetchImpl: typeof fetch,
  url: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<AppAnswer> {
  try {
    const res = await fetchImpl(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(APP_CALL_TIMEOUT_MS),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {}
    return { status: res.status, body: parsed, error: null };
  } catch (error) {
    return { status: null, body: null, error: error instanceof Error ? error.message : String(error) };
  }
}

const CREDENTIAL_HEADER = /authorization|secret|token|key|cookie|signature/i;

/** Header values that may carry a credential become `[redacted]`; a bearer keeps its scheme. */
export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    if (!CREDENTIAL_HEADER.test(name)) out[name] = text;
    else out[name] = /^bearer\s/i.test(text) ? 'Bearer [redacted]' : '[redacted]';
  }
  return out;
}

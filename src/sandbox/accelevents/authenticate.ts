/**
 * The sandbox's key check: a request passes when one of the presets configured for its access (read or
 * write) carries the key. Keys are compared as SHA-256 digests with timingSafeEqual, so the comparison
 * takes the same time however much of a guess is right.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { AcceleventsAuthPreset } from '../../accelevents/auth-presets.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

function header(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  return typeof value === 'string' ? value : null;
}

/** What a request offers under a preset, or null when that preset's header is absent or of the wrong form. */
function offered(preset: AcceleventsAuthPreset, headers: IncomingHttpHeaders): string | null {
  const authorization = header(headers, 'authorization');
  switch (preset) {
    case 'authorization':
      return authorization !== null && !/^bearer /i.test(authorization) ? authorization : null;
    case 'bearer':
      return authorization !== null && /^bearer /i.test(authorization) ? authorization.slice(7) : null;
    case 'key':
      return header(headers, 'key');
    case 'authentication':
      return header(headers, 'authentication');
  }
}

export function createKeyCheck(apiKey: () => string) {
  return function accepts(headers: IncomingHttpHeaders, presets: readonly AcceleventsAuthPreset[]): boolean {
    const expected = digest(apiKey());
    let ok = false;
    for (const preset of presets) {
      const value = offered(preset, headers);
      // Every preset is checked (no early exit), so timing does not tell which header matched.
      if (value !== null && timingSafeEqual(digest(value), expected)) ok = true;
    }
    return ok;
  };
}

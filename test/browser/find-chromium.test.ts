/**
 * How the browser tests find Chromium: PARLEY_CHROMIUM wins over /usr/bin/chromium; a missing browser
 * skips the suite with install instructions locally, and fails it under CI.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CHROMIUM, resolveChromium } from '../helpers/browser.js';

const MISSING = '/nonexistent/parley-test/chromium';

describe('finding Chromium for the browser tests', () => {
  it('uses PARLEY_CHROMIUM when it names an existing file', () => {
    expect(resolveChromium({ PARLEY_CHROMIUM: process.execPath })).toEqual({ executablePath: process.execPath });
  });

  it('skips with the install command when the browser is missing outside CI', () => {
    const found = resolveChromium({ PARLEY_CHROMIUM: MISSING });
    expect(found).toEqual({
      skip: `Chromium not found at ${MISSING}; install it with apt-get install -y chromium (or set PARLEY_CHROMIUM)`,
    });
  });

  it('throws under CI when the browser is missing, so CI cannot pass by skipping', () => {
    expect(() => resolveChromium({ PARLEY_CHROMIUM: MISSING, CI: 'true' })).toThrow(/CI must run the browser tests/);
  });

  it('falls back to Debian’s /usr/bin/chromium without PARLEY_CHROMIUM', () => {
    const found = resolveChromium({});
    expect('executablePath' in found ? found.executablePath : found.skip).toContain(DEFAULT_CHROMIUM);
  });
});

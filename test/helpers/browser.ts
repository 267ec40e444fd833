/**
 * Real Chromium for the console's browser tests (playwright-core drives Debian's chromium package; no
 * browser download). One browser per worker process, shared by the test files that run in it
 * (`isolate: false` in vitest.config.ts), and a fresh context (cookies, storage, cache) per test, so no
 * test sees another's state. Playwright stops the browser when the process exits.
 *
 *   describeWithBrowser('console login', (browser) => {
 *     it('…', async () => { const page = await browser.newPage(baseUrl); … });
 *   });
 *
 * Without Chromium the suite is skipped with a message saying how to install it, except under CI
 * (`CI` set), where a missing browser is a failure: CI must never pass by skipping.
 */
import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import type { Role } from '../../src/console/auth/roles.js';
import { CONSOLE_PASSWORD } from './console-app.js';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(process.cwd(), 'test-artifacts', 'screenshots');
export const PHONE_VIEWPORT = { width: 390, height: 844 } as const;

// Headless without a GPU or the network services a desktop browser starts (sync, updates, QUIC);
// autoplay allowed so the recording test can call audio.play() without a user gesture.
const LAUNCH_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string | null {
  const path = env.PARLEY_CHROMIUM || DEFAULT_CHROMIUM;
  return existsSync(path) ? path : null;
}

export interface BrowserSession {
  /** A page in a fresh context (no cookies), closed after the test. */
  newPage(options?: { viewport?: { width: number; height: number }; acceptDownloads?: boolean }): Promise<Page>;
  readonly browser: Browser;
}

/**
 * Where Chromium is, or why the browser tests are skipped. Under CI a missing browser throws: CI must
 * never pass by skipping.
 */
export function resolveChromium(env: NodeJS.ProcessEnv = process.env): { executablePath: string } | { skip: string } {
  const executablePath = chromiumPath(env);
  if (executablePath !== null) return { executablePath };
  const where = env.PARLEY_CHROMIUM || DEFAULT_CHROMIUM;
  const message = `Chromium not found at ${where}; install it with apt-get install -y chromium (or set PARLEY_CHROMIUM)`;
  if (env.CI) throw new Error(`${message}. CI must run the browser tests, not skip them.`);
  return { skip: message };
}

// A launch costs about a second of a busy core; every file after the first reuses the running browser.
let shared: Promise<Browser> | undefined;

function sharedBrowser(executablePath: string): Promise<Browser> {
  if (shared === undefined) {
    const launching = chromium.launch({ executablePath, args: LAUNCH_ARGS });
    shared = launching;
    // A browser that crashed or was closed is launched again by the next file rather than reused.
    void launching.then(
      (browser) =>
        browser.on('disconnected', () => {
          if (shared === launching) shared = undefined;
        }),
      () => {
        if (shared === launching) shared = undefined;
      },
    );
  }
  return shared;
}

export function describeWithBrowser(name: string, suite: (session: BrowserSession) => void): void {
  const found = resolveChromium();
  if ('skip' in found) {
    describe.skip(`${name} (${found.skip})`, () => suite(unavailableSession()));
    return;
  }
  const { executablePath } = found;
  describe(name, () => {
    let browser: Browser | undefined;
    const contexts: BrowserContext[] = [];
    beforeAll(async () => {
      browser = await sharedBrowser(executablePath);
    });
    afterEach(async () => {
      await Promise.all(contexts.splice(0).map((context) => context.close()));
    });
    afterAll(async () => {
      // The browser stays for the next file; this file's contexts are closed above.
      await Promise.all(contexts.splice(0).map((context) => context.close()));
    });
    suite({
      get browser() {
        if (browser === undefined) throw new Error('the browser starts in beforeAll');
        return browser;
      },
      async newPage(options = {}) {
        if (browser === undefined) throw new Error('the browser starts in beforeAll');
        const context = await browser.newContext({
          viewport: options.viewport ?? { width: 1280, height: 900 },
          acceptDownloads: options.acceptDownloads ?? true,
        });
        contexts.push(context);
        return context.newPage();
      },
    });
  });
}

function unavailableSession(): BrowserSession {
  const fail = (): never => {
    throw new Error('Chromium is not available');
  };
  return {
    newPage: async () => fail(),
    get browser() {
      return fail();
    },
  };
}

/** Signs in through the login page like a person would and waits to land on `expectedPath`. */
export async function signIn(
  page: Page,
  baseUrl: string,
  email: string,
  options: { next?: string; expectedPath?: string | RegExp } = {},
): Promise<void> {
  const url = `${baseUrl}/console/login${options.next ? `?next=${encodeURIComponent(options.next)}` : ''}`;
  await page.goto(url);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(CONSOLE_PASSWORD);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL(options.expectedPath ?? /\/console(\?.*)?$/);
}

export const roleEmail = (role: Role) => `${role}@parley.test`;

/** What has keyboard focus. (The tsconfig has no DOM lib, so page code is passed as a string.) */
export async function focused(page: Page): Promise<{ text: string; id: string; inMainNav: boolean }> {
  return page.evaluate(`(() => {
    const element = document.activeElement;
    return {
      text: (element && element.textContent || '').trim(),
      id: element && element.id || '',
      inMainNav: Boolean(element && element.closest('nav[aria-label="Main"]')),
    };
  })()`);
}

/** The page's full layout width, to prove nothing overflows a phone screen. */
export async function scrollWidth(page: Page): Promise<number> {
  return page.evaluate('document.documentElement.scrollWidth');
}

/** A full-page PNG in test-artifacts/screenshots/<name>.png; asserts it was written and is > 5 kB. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  expect((await stat(path)).size, `${path} size`).toBeGreaterThan(5 * 1024);
  return path;
}

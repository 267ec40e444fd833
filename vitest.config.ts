import { defineConfig } from 'vitest/config';

// Load tests measure behaviour under concurrency against timing margins (the refresh storm's 1 s token
// margin, the crash test's kills landing while jobs remain, 500 welcomes inside one minute); sharing this
// 2-core machine with other test files would make them noisier. They run alone, after everything else.
// The session follow-up and sponsor-channel end-to-end files handle a few attendees and assert outcomes
// only, so they run with the rest.
const LOAD_TESTS = [
  'test/credentials/refresh-storm.test.ts',
  'test/jobs/crash-e2e.test.ts',
  'test/jobs/welcome-e2e.test.ts',
  'test/search/*-e2e.test.ts',
];
// Browser tests drive real Chromium against a listening console: one at a time, last, with room for page
// loads on a busy machine. They share one browser (test/helpers/browser.ts), each test in its own context.
const BROWSER_TESTS = ['test/browser/**/*.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/helpers/global-setup.ts'],
    // Puts back what a file changed in process-wide state (environment, exit code), for the projects
    // below whose files share a worker process.
    setupFiles: ['test/helpers/process-state.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit-and-integration',
          include: ['test/**/*.test.ts'],
          exclude: [...LOAD_TESTS, ...BROWSER_TESTS],
          // 2 cores: more workers only add contention with the sandbox servers the tests start.
          maxWorkers: 2,
          // Files share the two worker processes, so src/ and its dependencies (fastify, kysely, pg, zod…)
          // are imported twice per run rather than once per file: isolated, imports were about a third of
          // this project's time. Test files hold no module state that another file reads; every file
          // opens and closes its own databases, servers and sandboxes (docs/testing.md).
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'load',
          include: LOAD_TESTS,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: BROWSER_TESTS,
          fileParallelism: false,
          isolate: false,
          testTimeout: 60_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});

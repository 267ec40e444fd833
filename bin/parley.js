#!/usr/bin/env -S node --max-old-space-size=1024
// The `parley` command. Runs the compiled JavaScript in dist/ (scripts/build.mjs; `npm ci` builds it).
// The first line caps V8's old generation at 1 GiB, far above what parley holds live (tens of MB), so
// that V8 grows the heap between collections by a small factor instead of the 4× it allows when the
// cap is sized from a big machine's memory: a worker on a 1M-job backlog peaked at 135 MB instead of
// 155 MB (docs/operations.md, "Memory").
// A dist/ older than src/ is never run silently: it is rebuilt first (incremental, well under a second
// after an edit) with one line on stderr, and when it cannot be built the error says what to run.
import { existsSync } from 'node:fs';
import { build, distState, SRC } from '../scripts/build.mjs';

// A deployment that ships dist/ without src/ has nothing to compare against.
const state = existsSync(SRC) ? distState() : 'fresh';
if (state !== 'fresh') {
  try {
    const result = await build({ ifStale: true });
    if (result.built) {
      process.stderr.write(
        `parley: ${state === 'missing' ? 'no build in dist/' : 'src/ changed since the last build'}; rebuilt dist/ in ${result.ms} ms\n`,
      );
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `parley: dist/ is ${state === 'missing' ? 'missing' : 'older than src/'} and could not be rebuilt (${reason}); run \`npm run build\` (or \`npm ci\`) in ${new URL('..', import.meta.url).pathname}\n`,
    );
    process.exit(1);
  }
}
const { main } = await import('../dist/cli/main.js');
await main(process.argv);

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CONVERSATION_OPERATIONS } from '../../../src/highlevel/generated/operations.js';
import { GENERATED_DIR, generateHighLevelFiles, SPEC_DIR } from '../../../src/highlevel/spec/generate.js';
import { SPEC_DEFECTS } from '../../../src/highlevel/spec/spec-defects.js';

// sha256 prefixes recorded when the files were copied byte-for-byte from
// https://github.com/GoHighLevel/highlevel-api-docs @ 0af86a4. A changed vendored spec must be a deliberate update.
const VENDORED = {
  'apps/conversations.json': 'd8e08fcf4249f4f0',
  'apps/oauth.json': '8410d2b9cc2872ac',
  'common/common-schemas.json': '0713be7ea50c988f',
};

describe('HighLevel generated types', () => {
  it('vendored spec files are byte-for-byte the published HighLevel files', async () => {
    for (const [file, prefix] of Object.entries(VENDORED)) {
      const hash = createHash('sha256')
        .update(await readFile(SPEC_DIR + file))
        .digest('hex');
      expect(hash.slice(0, 16), file).toBe(prefix);
    }
  });

  it('committed generated files match a fresh generation from the specs', async () => {
    const fresh = await generateHighLevelFiles();
    for (const [name, content] of Object.entries(fresh)) {
      expect(await readFile(GENERATED_DIR + name, 'utf8'), `${name} is stale: run npm run generate`).toBe(content);
    }
  });

  it('catalogues all 29 conversations operations, each with a scope after the security patches', () => {
    expect(CONVERSATION_OPERATIONS).toHaveLength(29);
    const ids = new Set(CONVERSATION_OPERATIONS.map((op) => op.operationId));
    expect(ids.size).toBe(29);
    for (const op of CONVERSATION_OPERATIONS) expect(op.scopes.length, op.operationId).toBeGreaterThan(0);
  });

  it('declares every path parameter that appears in a path template after patching', () => {
    for (const op of CONVERSATION_OPERATIONS) {
      const inTemplate = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect([...op.pathParams].sort(), op.operationId).toEqual(inTemplate.sort());
    }
  });

  it('documents every defect id once', () => {
    const ids = SPEC_DEFECTS.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

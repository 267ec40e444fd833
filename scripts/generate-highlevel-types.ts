/** Regenerates src/highlevel/generated from specs/highlevel. Run with `npm run generate`. */
import { mkdir, writeFile } from 'node:fs/promises';
import { GENERATED_DIR, generateHighLevelFiles } from '../src/highlevel/spec/generate.js';

const files = await generateHighLevelFiles();
await mkdir(GENERATED_DIR, { recursive: true });
for (const [name, content] of Object.entries(files)) {
  await writeFile(GENERATED_DIR + name, content);
  console.log(`wrote src/highlevel/generated/${name}`);
}

/**
 * `npm run bench`: every scenario reports against a baseline measured in the same run, as a ratio.
 * Nothing here is asserted by tests; the figures go into the closing notes next to DESIGN.md's targets.
 */
import { benchClientOverhead } from './client-overhead.js';

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

console.log(`parley bench — node ${process.version}, ${new Date().toISOString()}`);

const overhead = await benchClientOverhead();
console.log('\nclient overhead (get-conversation against the in-process sandbox, sequential)');
console.log(`  bare fetch         ${fmt(overhead.bareFetchPerSecond)} calls/s`);
console.log(`  parley client      ${fmt(overhead.clientPerSecond)} calls/s`);
console.log(`  time ratio         ${fmt(overhead.ratio, 2)}× bare fetch over ${fmt(overhead.calls)} calls each`);

const rss = process.memoryUsage().rss / 1024 / 1024;
console.log(`\nprocess RSS at end: ${fmt(rss)} MB`);

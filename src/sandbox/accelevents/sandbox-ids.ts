/**
 * Numeric ids (ticket and attendee, order, user) for the sandbox's records. A restarted sandbox must never
 * reissue one: parley keeps what it has seen across restarts and would take a new attendee with an old
 * id or barcode for a duplicate. So each instance draws a random block of a million ids and counts up
 * within it (drawing another block when one runs out); no file is needed, and ids stay plain numbers as
 * in Accelevents' REST answers, in issue order, below Number.MAX_SAFE_INTEGER.
 */

/** crypto.randomInt's signature: an integer with min <= n < max. */
export type RandomInt = (min: number, max: number) => number;

const BLOCK_SIZE = 1_000_000;
/** (MAX_BLOCK + 1) * BLOCK_SIZE - 1 <= Number.MAX_SAFE_INTEGER; blocks start at 1000 so ids have 10+ digits. */
const MIN_BLOCK = 1_000;
const MAX_BLOCK = Math.floor((Number.MAX_SAFE_INTEGER + 1) / BLOCK_SIZE) - 1;

export function createIdSource(randomInt: RandomInt): () => number {
  let base = 0;
  let used = BLOCK_SIZE;
  return () => {
    if (used === BLOCK_SIZE) {
      base = randomInt(MIN_BLOCK, MAX_BLOCK) * BLOCK_SIZE;
      used = 1;
    }
    return base + used++;
  };
}

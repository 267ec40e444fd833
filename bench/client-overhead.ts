/**
 * Scenario: what parley's HighLevel client costs per call over a bare `fetch` with the same headers,
 * against the in-process sandbox with limits out of the way. Both run in this process, interleaved in
 * rounds, so machine noise hits both alike; the figure that matters is the ratio.
 */
import { performance } from 'node:perf_hooks';
import { createHighLevelClient } from '../src/highlevel/client.js';
import { createLogger } from '../src/lib/create-logger.js';
import { startHighLevelSandbox } from '../src/sandbox/highlevel/create-sandbox.js';

export interface ClientOverheadResult {
  calls: number;
  bareFetchPerSecond: number;
  clientPerSecond: number;
  /** client time per call ÷ bare fetch time per call; 1.00 means no overhead. */
  ratio: number;
}

export async function benchClientOverhead(callsPerRound = 500, rounds = 4): Promise<ClientOverheadResult> {
  const sandbox = await startHighLevelSandbox({
    port: 0,
    logger: createLogger({ level: 'silent' }),
    burstLimit: 1_000_000,
    dailyLimit: 1_000_000_000,
    rsaModulusLength: 1024,
    attendees: 20,
  });
  try {
    const { accessToken } = sandbox.issueToken();
    const locationId = sandbox.defaultLocationId;
    const search = await fetch(`${sandbox.url}/conversations/search?locationId=${locationId}&limit=1`, {
      headers: { Authorization: `Bearer ${accessToken}`, Version: '2021-04-15' },
    });
    const conversationId = ((await search.json()) as { conversations: { id: string }[] }).conversations[0]!.id;

    const client = createHighLevelClient({
      baseUrl: sandbox.url,
      auth: { getAccessToken: async () => accessToken },
      logger: createLogger({ level: 'silent' }),
    });
    const viaClient = async () => {
      await client.conversations.getConversation(conversationId, { locationId });
    };
    const viaFetch = async () => {
      const res = await fetch(`${sandbox.url}/conversations/${conversationId}`, {
        headers: { Authorization: `Bearer ${accessToken}`, Version: '2021-04-15', Accept: 'application/json' },
      });
      if (res.status !== 200) throw new Error(`bare fetch got ${res.status}`);
      await res.json();
    };

    const time = async (fn: () => Promise<void>) => {
      const start = performance.now();
      for (let i = 0; i < callsPerRound; i++) await fn();
      return performance.now() - start;
    };
    await time(viaFetch); // warm-up: JIT, sockets, sandbox caches
    await time(viaClient);
    let fetchMs = 0;
    let clientMs = 0;
    for (let round = 0; round < rounds; round++) {
      fetchMs += await time(viaFetch);
      clientMs += await time(viaClient);
    }
    const calls = callsPerRound * rounds;
    return {
      calls,
      bareFetchPerSecond: (calls / fetchMs) * 1000,
      clientPerSecond: (calls / clientMs) * 1000,
      ratio: clientMs / fetchMs,
    };
  } finally {
    await sandbox.close();
  }
}

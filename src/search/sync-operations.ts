/**
 * The HighLevel operations the index sync calls (sync-location.ts): search pages, each changed
 * conversation's messages, and call transcripts. The scope planner requests them whenever a worker
 * runs; test/features/code-path-operations.test.ts checks this list against sync-location.ts.
 */
export const INDEX_SYNC_OPERATIONS = ['search-conversation', 'get-messages', 'get-message-transcription'] as const;

/**
 * The HighLevel operations the `highlevel.event` job calls before it runs the inbound-message
 * workflows (highlevel-event-handler.ts reads the writer's contact for its tags and names). The scope
 * planner adds them to every feature with such a workflow; test/features/code-path-operations.test.ts
 * checks this list against the handler's source.
 */
export const HIGHLEVEL_EVENT_JOB_OPERATIONS = ['get-contact'] as const;

/**
 * Why a stored delivery started no workflow run. Nothing is dropped silently: every such delivery
 * carries one of these codes (stable, for filters and scripts) and a sentence for the operator, is
 * logged at warn, and is listed by `parley inbox list` and on the console's Deliveries page.
 */
export const INBOX_REASON_CODES = [
  'topic_not_recognised',
  'no_attendee',
  'no_workflow',
  'workflow_off',
  'duplicate',
  'ticket_inactive',
] as const;
export type InboxReasonCode = (typeof INBOX_REASON_CODES)[number];

export interface InboxReason {
  code: InboxReasonCode;
  message: string;
}

export function inboxReason(code: InboxReasonCode, message: string): InboxReason {
  return { code, message };
}

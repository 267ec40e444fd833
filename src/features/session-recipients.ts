/**
 * Who a session's follow-up goes to (`events[].recipients`): the session's attendees, the event's
 * checked-in attendees, or every active registrant. Absent means the first Accelevents can answer of the
 * first two, so nobody is messaged about a session they had no part in by default.
 */

export type SessionRecipients = 'session-attendees' | 'checked-in' | 'all-registrants';

export const SESSION_RECIPIENTS = [
  'session-attendees',
  'checked-in',
  'all-registrants',
] as const satisfies readonly SessionRecipients[];

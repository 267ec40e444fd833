/**
 * A failure the sandbox answers with, in Accelevents' error style: the HTTP status and a body with the
 * 7-digit `errorCode` when the reference documents one. The first
 * three digits of every documented code equal the HTTP status (4010101 → 401, 4060405 → 406), so the
 * sandbox answers with that status. Failures with no documented code carry only a message.
 */
import { ParleyError, type ParleyErrorOptions } from '../../lib/parley-error.js';

/** One code per failure below; the HTTP status and Accelevents' 7-digit `errorCode` travel in the options. */
export type ApiFailureCode =
  | 'not_authorized'
  | 'not_event_host'
  | 'not_staff_user'
  | 'event_not_found'
  | 'barcode_not_exist'
  | 'ticket_already_used'
  | 'already_booked'
  | 'plan_not_enabled'
  | 'ticket_not_active'
  | 'not_found'
  | 'bad_request';

export interface ApiFailureOptions extends ParleyErrorOptions {
  status: number;
  /** The documented 7-digit code, or null when the reference documents none. */
  errorCode?: number | null;
}

export class ApiFailure extends ParleyError<ApiFailureCode> {
  override readonly name = 'ApiFailure';
  readonly status: number;
  readonly errorCode: number | null;

  constructor(code: ApiFailureCode, message: string, options: ApiFailureOptions) {
    super(code, message, options);
    this.status = options.status;
    this.errorCode = options.errorCode ?? null;
  }

  body(): Record<string, unknown> {
    return this.errorCode === null ? { message: this.message } : { errorCode: this.errorCode, message: this.message };
  }
}

/** From the reference pages, e.g. https://developer.accelevents.com/reference/event-ticket-chekin. */
export const failures = {
  notAuthorized: () => new ApiFailure('not_authorized', 'Not authorized', { status: 401, errorCode: 4010101 }),
  notEventHost: () => new ApiFailure('not_event_host', 'Not Event Host', { status: 403, errorCode: 4030201 }),
  notStaffUser: () => new ApiFailure('not_staff_user', 'Not Staff User', { status: 403, errorCode: 4030101 }),
  eventNotFound: () => new ApiFailure('event_not_found', 'Event not found', { status: 404, errorCode: 4040200 }),
  barcodeNotExist: () =>
    new ApiFailure('barcode_not_exist', 'Barcode does not exist', { status: 406, errorCode: 4060405 }),
  ticketAlreadyUsed: () =>
    new ApiFailure('ticket_already_used', 'Ticket already used', { status: 406, errorCode: 4060406 }),
  alreadyBooked: () =>
    new ApiFailure('already_booked', 'Ticket already in book status', { status: 406, errorCode: 4060407 }),
  /** No plan error is documented; the wording is the sandbox's. */
  planNotEnabled: () =>
    new ApiFailure(
      'plan_not_enabled',
      'API access is not enabled for your plan. Upgrade to an Enterprise or White Label plan.',
      { status: 403 },
    ),
  /** A refunded or cancelled ticket takes no more check-ins; no code is documented, the wording is the sandbox's. */
  ticketNotActive: (status: string) =>
    new ApiFailure('ticket_not_active', `Ticket is ${status.toLowerCase()}`, { status: 406 }),
  notFound: (what: string) => new ApiFailure('not_found', `${what} not found`, { status: 404 }),
  badRequest: (message: string) => new ApiFailure('bad_request', message, { status: 400 }),
};

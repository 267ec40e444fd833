/**
 * A failure the sandbox answers with, in Accelevents' error style: the HTTP status and a body with the
 * 7-digit `errorCode` when the reference documents one. The first
 * three digits of every documented code equal the HTTP status (4010101 → 401, 4060405 → 406), so the
 * sandbox answers with that status. Failures with no documented code carry only a message.
 */
export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';
  constructor(
    readonly status: number,
    message: string,
    readonly errorCode: number | null = null,
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return this.errorCode === null ? { message: this.message } : { errorCode: this.errorCode, message: this.message };
  }
}

/** From the reference pages, e.g. https://developer.accelevents.com/reference/event-ticket-chekin. */
export const failures = {
  notAuthorized: () => new ApiFailure(401, 'Not authorized', 4010101),
  notEventHost: () => new ApiFailure(403, 'Not Event Host', 4030201),
  notStaffUser: () => new ApiFailure(403, 'Not Staff User', 4030101),
  eventNotFound: () => new ApiFailure(404, 'Event not found', 4040200),
  barcodeNotExist: () => new ApiFailure(406, 'Barcode does not exist', 4060405),
  ticketAlreadyUsed: () => new ApiFailure(406, 'Ticket already used', 4060406),
  alreadyBooked: () => new ApiFailure(406, 'Ticket already in book status', 4060407),
  /** No plan error is documented; the wording is the sandbox's. */
  planNotEnabled: () =>
    new ApiFailure(403, 'API access is not enabled for your plan. Upgrade to an Enterprise or White Label plan.'),
  /** A refunded or cancelled ticket takes no more check-ins; no code is documented, the wording is the sandbox's. */
  ticketNotActive: (status: string) => new ApiFailure(406, `Ticket is ${status.toLowerCase()}`),
  notFound: (what: string) => new ApiFailure(404, `${what} not found`),
  badRequest: (message: string) => new ApiFailure(400, message),
};

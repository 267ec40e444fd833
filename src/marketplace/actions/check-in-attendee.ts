/**
 * `parley_check_in_attendee`: checks the attendee's ticket in at Accelevents by its barcode
 * (https://developer.accelevents.com/reference/event-ticket-chekin). Idempotent: an attendee the
 * lookup already shows as checked in is not checked in again, and Accelevents' "ticket already used"
 * (4060406) on a race counts as checked in. Check-in is a write parley never retries blindly
 * (src/accelevents/client.ts), so a failure takes the Failed branch with its reason.
 */
import { AcceleventsError } from '../../accelevents/client.js';
import { branchIdOf, findMarketplaceAction } from '../action-catalog.js';
import { emailField, textField } from './action-request.js';
import { type ActionCall, type ActionServices, attendeeFinderDeps } from './action-services.js';
import { findAttendee } from './find-attendee.js';

const ACTION = findMarketplaceAction('parley_check_in_attendee');
/** Accelevents' application code for a ticket that is already checked in. */
const TICKET_ALREADY_USED = 4060406;

function failed(reason: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { branchId: branchIdOf(ACTION, 'failed'), checkedIn: false, alreadyCheckedIn: false, reason, ...extra };
}

export async function checkInAttendee(services: ActionServices, call: ActionCall): Promise<Record<string, unknown>> {
  const { data, extras } = call.request;
  const email = emailField(data, 'email');
  const event = textField(data, 'event', { maxLength: 200 });
  const finder = await attendeeFinderDeps(services, call.signal);
  if (!finder.accelevents) return failed('no Accelevents connection: run `parley connect accelevents`');
  const found = await findAttendee(finder, {
    locationId: extras.locationId,
    contactId: extras.contactId,
    email,
    event,
  });
  if (!found) return failed('no attendee is linked to this contact in this location');
  const who = { attendee: found.attendee, event: found.event };
  const checkedIn = (alreadyCheckedIn: boolean) => ({
    branchId: branchIdOf(ACTION, 'checked_in'),
    checkedIn: true,
    alreadyCheckedIn,
    reason: '',
    ...who,
  });
  if (found.checkIn.checkedIn === true) return checkedIn(true);
  try {
    await finder.accelevents.checkIn(found.event.url, found.ticket.barcode);
    return checkedIn(false);
  } catch (error) {
    if (error instanceof AcceleventsError && error.appCode === TICKET_ALREADY_USED) return checkedIn(true);
    if (!(error instanceof AcceleventsError)) throw error;
    services.deps.logger.warn(
      { code: error.code, appCode: error.appCode, eventUrl: found.event.url },
      'marketplace check-in: Accelevents refused',
    );
    return failed(`Accelevents refused the check-in: ${error.message}`, who);
  }
}

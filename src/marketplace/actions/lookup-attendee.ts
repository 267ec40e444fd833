/** `parley_lookup_attendee`: the attendee's ticket, event, check-in state and preferences; found / not found. */
import { branchIdOf, findMarketplaceAction } from '../action-catalog.js';
import { emailField, textField } from './action-request.js';
import { type ActionCall, type ActionServices, attendeeFinderDeps } from './action-services.js';
import { findAttendee } from './find-attendee.js';

const ACTION = findMarketplaceAction('parley_lookup_attendee');

export async function lookupAttendee(services: ActionServices, call: ActionCall): Promise<Record<string, unknown>> {
  const { data, extras } = call.request;
  const email = emailField(data, 'email');
  const event = textField(data, 'event', { maxLength: 200 });
  const found = await findAttendee(await attendeeFinderDeps(services, call.signal), {
    locationId: extras.locationId,
    contactId: extras.contactId,
    email,
    event,
  });
  if (!found) return notFound('no attendee is linked to this contact in this location');
  return { branchId: branchIdOf(ACTION, 'found'), found: true, reason: '', ...found };
}

export function notFound(reason: string): Record<string, unknown> {
  return { branchId: branchIdOf(ACTION, 'not_found'), found: false, reason };
}

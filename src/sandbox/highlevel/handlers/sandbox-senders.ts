/**
 * The sandbox location's own addresses: the number its SMS and calls come from and the mailbox its
 * emails come from. 555-01xx numbers are reserved for fiction in the North American plan.
 */
export const LOCATION_PHONE = '+15550100000';
export const LOCATION_EMAIL = 'events@sandbox.parley.invalid';
export const EMAIL_PROVIDER = 'mailgun';

/**
 * How the sandbox's records look on the wire, with the field names of the reference pages
 * (https://developer.accelevents.com/reference). Session times are `yyyy/MM/dd HH:mm` in the event's zone.
 */
import { formatAcceleventsDate, toLocalDateTime } from '../../accelevents/accelevents-dates.js';
import type { SandboxEvent, SandboxSession } from './sample-events.js';
import type { SandboxTicket } from './sandbox-state.js';

export function eventDetailsOf(ev: SandboxEvent): Record<string, unknown> {
  return {
    eventId: ev.eventId,
    eventName: ev.eventName,
    eventUrl: ev.eventUrl,
    eventFormat: ev.eventFormat,
    eventListingStatus: ev.eventListingStatus,
    eventPhoneNumber: null,
    eventCountryCode: null,
    ticketingEnabled: true,
    currencySymbol: ev.currencySymbol,
    timezoneId: ev.timezoneId,
    equivalentTimezone: ev.equivalentTimezone,
    eventDesignDetailDto: { logoImage: null, headerColor: '#1f2937' },
  };
}

export function attendeeRowOf(t: SandboxTicket): Record<string, unknown> {
  return {
    attendeeId: t.attendeeId,
    barcode: t.barcode,
    eventTicketingId: t.eventTicketingId,
    orderId: t.orderId,
    userId: t.userId,
    firstName: t.firstName,
    lastName: t.lastName,
    email: t.email,
    phoneNumber: t.phoneNumber,
    ticketType: t.ticketType,
    ticketStatus: t.ticketStatus,
    checkedIn: t.ticketStatus === 'CHECKED_IN',
    purchaseDate: new Date(t.purchaseDate).toISOString(),
  };
}

/** One `attendee[]` entry of the order detail (get-ticketing-order-data-by-order-id). */
export function orderAttendeeOf(t: SandboxTicket): Record<string, unknown> {
  return {
    barcode: t.barcode,
    firstName: t.firstName,
    lastName: t.lastName,
    email: t.email,
    phoneNumber: t.phoneNumber,
    qty: 1,
    ticketType: t.ticketType,
    bundleType: 'INDIVIDUAL_TICKET',
    paidAmount: t.ticketPrice,
    status: t.ticketPrice > 0 ? 'PAID' : 'FREE',
    eventTicketingId: t.eventTicketingId,
    isTable: false,
    seatNumber: null,
    dataType: 'TICKET',
    blocked: false,
    userId: t.userId,
    isPaidTicket: t.ticketPrice > 0,
    ticketPrice: t.ticketPrice,
    ticketStatus: t.ticketStatus,
    refundAmount: 0,
    refundedAmount: t.ticketStatus === 'REFUNDED' ? t.ticketPrice : 0,
  };
}

export function holderDataOf(t: SandboxTicket): Record<string, unknown> {
  const field = (a: { name: string; type: string; value: string | null }, mandatory: boolean) => ({
    ...a,
    defaultValue: null,
    mandatory,
    eventTicketTypeId: t.ticketTypeId,
  });
  return {
    seatNumber: null,
    eventTicketingId: t.eventTicketingId,
    eventKey: t.eventUrl,
    attributes: t.attributes.map((a) => field(a, a.name !== 'Cell Phone')),
    questions: t.questions.map((q) => field(q, false)),
    nestedQuestions: [],
  };
}

export function sessionOf(s: SandboxSession, timeZone: string): Record<string, unknown> {
  const local = (ms: number) => formatAcceleventsDate(toLocalDateTime(ms, timeZone), 'yyyy/MM/dd HH:mm');
  return {
    sessionId: s.sessionId,
    title: s.title,
    startTime: local(s.startsAt),
    endTime: local(s.endsAt),
    description: null,
    capacity: s.capacity,
    status: s.status,
    format: s.format,
    // The reference does not name the recording's field; the client reads this and a few likely others.
    recordingUrl: s.recordingUrl,
  };
}

/**
 * One row of GET /host/session/{sessionId}/attendee. Its columns are named in words (Attended, Email,
 * Engagement, Event Ticket Id, First/Last Name, Phone Number, Registration Date, User Id) by
 * https://developer.accelevents.com/reference/get-attendee-data-for-session-by-session-id;
 * the sandbox sends them camel-cased.
 */
export function sessionAttendeeOf(t: SandboxTicket, attended: boolean): Record<string, unknown> {
  return {
    attended,
    email: t.email,
    engagement: attended ? 100 : 0,
    eventTicketId: t.eventTicketingId,
    firstName: t.firstName,
    lastName: t.lastName,
    phoneNumber: t.phoneNumber,
    registrationDate: new Date(t.purchaseDate).toISOString(),
    userId: t.userId,
  };
}

export function checkInAnswerOf(t: SandboxTicket): Record<string, unknown> {
  const checkedIn = t.ticketStatus === 'CHECKED_IN';
  return {
    ticketId: t.eventTicketingId,
    ticketHolderName: `${t.firstName} ${t.lastName}`,
    ticketingType: t.ticketType,
    status: t.ticketStatus,
    responseMessage: checkedIn ? 'Checked in successfully' : 'Checked out successfully',
    paid: t.ticketPrice > 0,
    seatNumber: null,
  };
}

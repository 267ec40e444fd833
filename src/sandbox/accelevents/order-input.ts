/**
 * Checks what the sandbox's control surface hands it for new ticket holders and orders, before any state
 * changes: a bad field answers 400 naming it (`holders[1].email is required`).
 */
import { failures } from './api-failure.js';

export interface Person {
  firstName: string;
  lastName: string;
  email: string;
}

export interface OrderHolderInput extends Person {
  phoneNumber?: string | null;
  /** A ticket type name or id of the event; default the order's `ticketType`, then the event's first type. */
  ticketType?: string | number;
}

export interface OrderInput {
  eventUrl: string;
  purchaser: Person;
  holders: OrderHolderInput[];
  /** The ticket type of holders that name none. */
  ticketType?: string | number;
}

/** The statuses a ticket can be moved to after purchase. */
export const TICKET_STATUS_CHANGES = ['REFUNDED', 'CANCELLED'] as const;
export type TicketStatusChange = (typeof TICKET_STATUS_CHANGES)[number];

/** Enough for any demo; keeps one admin call from building a huge order. */
export const MAX_ORDER_HOLDERS = 100;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `prefix` names where the person sits in the body: '' for a registration, 'holders[2].' in an order. */
export function checkPerson(value: unknown, prefix: string): asserts value is Person {
  if (!isObject(value)) throw failures.badRequest(`${prefix.replace(/\.$/, '') || 'body'} must be an object`);
  for (const field of ['firstName', 'lastName', 'email'] as const) {
    const v = value[field];
    if (typeof v !== 'string' || v.trim() === '') throw failures.badRequest(`${prefix}${field} is required`);
  }
}

export function checkOrder(input: unknown): OrderInput {
  if (!isObject(input)) throw failures.badRequest('body must be an object');
  if (typeof input.eventUrl !== 'string') throw failures.badRequest('eventUrl is required');
  checkPerson(input.purchaser, 'purchaser.');
  const holders = input.holders;
  if (!Array.isArray(holders) || holders.length === 0 || holders.length > MAX_ORDER_HOLDERS) {
    throw failures.badRequest(`holders must be an array of 1 to ${MAX_ORDER_HOLDERS} ticket holders`);
  }
  const seen = new Map<string, number>();
  holders.forEach((holder: unknown, i) => {
    checkPerson(holder, `holders[${i}].`);
    const { phoneNumber } = holder as OrderHolderInput;
    if (phoneNumber !== undefined && phoneNumber !== null && typeof phoneNumber !== 'string') {
      throw failures.badRequest(`holders[${i}].phoneNumber must be a string`);
    }
    const email = holder.email.trim().toLowerCase();
    const first = seen.get(email);
    if (first !== undefined) {
      throw failures.badRequest(`holders[${i}].email repeats holders[${first}].email: each holder needs their own`);
    }
    seen.set(email, i);
  });
  const ticketType = input.ticketType as OrderInput['ticketType'];
  return {
    eventUrl: input.eventUrl,
    purchaser: {
      firstName: input.purchaser.firstName,
      lastName: input.purchaser.lastName,
      email: input.purchaser.email,
    },
    holders: (holders as OrderHolderInput[]).map((h) => ({ ...h, ticketType: h.ticketType ?? ticketType })),
    ...(ticketType !== undefined ? { ticketType } : {}),
  };
}

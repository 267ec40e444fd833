/**
 * Filters workflow templates may use beyond liquid's standard set. strictFilters is on, so a
 * misspelt filter is a validation error rather than silently empty output.
 */
import type { Liquid } from 'liquidjs';

function hasText(value: unknown): boolean {
  return typeof value === 'string' ? value.trim() !== '' : value !== null && value !== undefined && value !== false;
}

/**
 * `{{ attendee | channel }}` → 'SMS' when the attendee has a phone, else 'Email': the channel of a
 * HighLevel send (`type` of send-a-new-message) that the attendee's data allows.
 * Also accepts the phone itself: `{{ attendee.phone | channel }}`.
 */
export function channelFilter(input: unknown): 'SMS' | 'Email' {
  if (typeof input === 'object' && input !== null) {
    const record = input as Record<string, unknown>;
    return hasText(record.phone) ? 'SMS' : 'Email';
  }
  return hasText(input) ? 'SMS' : 'Email';
}

/** `{{ attendee | full_name }}`: first and last name, or `name`, or ''. */
export function fullNameFilter(input: unknown): string {
  if (typeof input !== 'object' || input === null) return '';
  const record = input as Record<string, unknown>;
  const parts = [record.firstName, record.lastName].filter((p): p is string => typeof p === 'string' && p !== '');
  if (parts.length > 0) return parts.join(' ');
  return typeof record.name === 'string' ? record.name : '';
}

export const CUSTOM_FILTERS = ['channel', 'full_name'] as const;

export function registerFilters(liquid: Liquid): void {
  liquid.registerFilter('channel', channelFilter);
  liquid.registerFilter('full_name', fullNameFilter);
}

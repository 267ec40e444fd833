/**
 * How session times and formats read in a follow-up: in the event's zone with the zone named, plain
 * characters only (so an SMS stays GSM-7), the date added to an end on another day, and formats in words.
 */
import { describe, expect, it } from 'vitest';
import { formatName, sessionTimes } from '../../../src/jobs/pollers/session-display.js';

const START = Date.UTC(2026, 4, 4, 13, 30);
const END = Date.UTC(2026, 4, 4, 14, 30);

describe('session times', () => {
  it('names a European zone by its abbreviation, as en-US alone would give GMT+1', () => {
    expect(sessionTimes(START, END, 'Europe/London')).toEqual({
      date: 'Mon, May 4, 2026',
      startTime: '2:30 PM BST',
      endTime: '3:30 PM BST',
      when: 'Mon, May 4, 2026, 2:30 PM to 3:30 PM BST',
      timeZone: 'BST',
    });
  });

  it('adds the date to the end of a session that ends on another day in the event zone', () => {
    const times = sessionTimes(START, END + 14 * 3_600_000, 'America/New_York');
    expect(times.endTime).toBe('Tue, May 5, 2026, 12:30 AM EDT');
    expect(times.when).toBe('Mon, May 4, 2026, 9:30 AM to Tue, May 5, 2026, 12:30 AM EDT');
  });

  it('writes only plain ASCII characters, whatever spaces the platform puts in times', () => {
    for (const zone of ['America/Los_Angeles', 'Asia/Tokyo', 'Europe/Berlin', 'UTC']) {
      for (const text of Object.values(sessionTimes(START, END, zone))) expect(text).toMatch(/^[\x20-\x7e]+$/);
    }
  });

  it('says when a session without a start time ended', () => {
    expect(sessionTimes(null, END, 'UTC').when).toBe('Mon, May 4, 2026, ending 2:30 PM UTC');
  });
});

describe('session format names', () => {
  it('reads MAIN_STAGE as "Main stage"', () => {
    expect(formatName('MAIN_STAGE')).toBe('Main stage');
    expect(formatName('BREAKOUT_SESSION')).toBe('Breakout session');
    expect(formatName(null)).toBeNull();
  });

  it('takes a label from the map whatever the case of the format', () => {
    expect(formatName('main_stage', { MAIN_STAGE: 'Keynote' })).toBe('Keynote');
  });
});

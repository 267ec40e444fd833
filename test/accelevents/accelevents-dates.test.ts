import { describe, expect, it } from 'vitest';
import {
  formatAcceleventsDate,
  parseAcceleventsDate,
  resolveTimeZone,
  toEpochMs,
  toLocalDateTime,
} from '../../src/accelevents/accelevents-dates.js';

describe('Accelevents dates', () => {
  it('parses a date in each documented pattern', () => {
    expect(parseAcceleventsDate('2026/07/04 18:30', 'yyyy/MM/dd HH:mm')).toEqual({
      raw: '2026/07/04 18:30',
      local: { year: 2026, month: 7, day: 4, hour: 18, minute: 30, second: 0 },
    });
    expect(parseAcceleventsDate('04/07/2026 18:30:15', 'dd/MM/yyyy HH:mm:ss')?.local).toMatchObject({
      day: 4,
      month: 7,
    });
    expect(parseAcceleventsDate('04/07/2026 18:30:15', 'MM/dd/yyyy HH:mm:ss')?.local).toMatchObject({
      day: 7,
      month: 4,
    });
  });

  it('keeps an unparsable or impossible date as raw with local null', () => {
    expect(parseAcceleventsDate('next Tuesday', 'yyyy/MM/dd HH:mm')).toEqual({ raw: 'next Tuesday', local: null });
    expect(parseAcceleventsDate('2026/02/30 10:00', 'yyyy/MM/dd HH:mm')).toEqual({
      raw: '2026/02/30 10:00',
      local: null,
    });
    expect(parseAcceleventsDate(null, 'yyyy/MM/dd HH:mm')).toBeNull();
  });

  it('converts wall-clock times to instants on both sides of a DST change', () => {
    const zone = 'America/New_York';
    // 8 March 2026 is the US spring-forward day: 01:30 is EST (UTC-5), 03:30 is EDT (UTC-4).
    expect(toEpochMs({ year: 2026, month: 3, day: 8, hour: 1, minute: 30, second: 0 }, zone)).toBe(
      Date.UTC(2026, 2, 8, 6, 30),
    );
    expect(toEpochMs({ year: 2026, month: 3, day: 8, hour: 3, minute: 30, second: 0 }, zone)).toBe(
      Date.UTC(2026, 2, 8, 7, 30),
    );
    const instant = Date.UTC(2026, 6, 4, 22, 30);
    expect(toEpochMs(toLocalDateTime(instant, 'Europe/London'), 'Europe/London')).toBe(instant);
    expect(formatAcceleventsDate(toLocalDateTime(instant, 'Europe/London'), 'yyyy/MM/dd HH:mm')).toBe(
      '2026/07/04 23:30',
    );
  });

  it('takes the first zone Intl knows', () => {
    expect(resolveTimeZone(['Eastern Time (US & Canada)', 'America/New_York'])).toBe('America/New_York');
  });

  it('falls back to UTC when Intl knows none of the zones', () => {
    expect(resolveTimeZone([null, 'not a zone'])).toBe('UTC');
  });
});

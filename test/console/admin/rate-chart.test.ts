/** The rate chart's geometry: bars scale against the same axis as the ceiling line, and 429 minutes get a mark. */
import { describe, expect, it } from 'vitest';
import { layoutRateChart } from '../../../src/console/admin/rate-chart.js';

const limits = {
  max: 100,
  intervalMs: 10_000,
  perMinuteCeiling: 600,
  dailyLimit: 200_000,
  dailyRemaining: null,
  source: 'documented' as const,
};

describe('rate chart layout', () => {
  /** A minute at the ceiling followed by an idle one. */
  const ceilingThenIdle = () =>
    layoutRateChart({
      perMinute: [
        { minute: 0, calls: 600, rateLimited: 0, errors: 0 },
        { minute: 60_000, calls: 0, rateLimited: 0, errors: 0 },
      ],
      limits,
    });

  it('draws a minute at the ceiling exactly up to the ceiling line', () => {
    const chart = ceilingThenIdle();
    expect(chart.bars[0]?.y).toBe(chart.ceiling.y);
    expect(chart.ceiling.y).toBeGreaterThan(chart.plot.top);
  });

  it('draws an idle minute with no height', () => {
    expect(ceilingThenIdle().bars[1]?.height).toBe(0);
  });

  it('raises the axis above the ceiling when a minute went over it, keeping that bar inside the plot', () => {
    const perMinute = [{ minute: 0, calls: 900, rateLimited: 120, errors: 0 }];
    const chart = layoutRateChart({ perMinute, limits });
    expect(chart.yMax).toBeGreaterThanOrEqual(900);
    expect(chart.bars[0]?.y).toBeGreaterThanOrEqual(chart.plot.top);
    expect(chart.bars[0]?.y).toBeLessThan(chart.ceiling.y);
    expect(chart.bars[0]?.markY).toBeLessThan(chart.bars[0]?.y as number);
  });

  it('labels the x axis with UTC times of the minutes', () => {
    const start = Date.UTC(2026, 0, 1, 9, 0);
    const perMinute = Array.from({ length: 60 }, (_, i) => ({
      minute: start + i * 60_000,
      calls: 1,
      rateLimited: 0,
      errors: 0,
    }));
    const chart = layoutRateChart({ perMinute, limits });
    expect(chart.xLabels[0]).toMatchObject({ text: '09:00' });
    expect(chart.xLabels.map((l) => l.text)).toContain('09:50');
  });
});

/**
 * Geometry of the rate budget page's server-rendered SVG bar chart (no chart library: the console's
 * CSP is `default-src 'self'` and the page must work without script). One bar per minute, a line at
 * the per-minute ceiling, a mark above each minute that saw a 429. Pure numbers; the template draws them.
 */
import type { LocationBudget } from './rate-budget.js';

export const CHART_WIDTH = 720;
export const CHART_HEIGHT = 220;
const MARGIN = { top: 16, right: 12, bottom: 28, left: 48 };
/** Headroom above the taller of the ceiling and the busiest minute, so neither touches the top edge. */
const HEADROOM = 1.1;
const X_LABELS = 6;

export interface ChartBar {
  x: number;
  y: number;
  width: number;
  height: number;
  calls: number;
  rateLimited: number;
  /** A 429 mark (a small triangle) sits above the bar's centre. */
  markX: number;
  markY: number;
}

export interface RateChart {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  ceiling: { y: number; value: number };
  yMax: number;
  bars: ChartBar[];
  /** Tick labels along the x axis: `HH:MM` UTC. */
  xLabels: { x: number; minute: number; text: string }[];
}

export function layoutRateChart(location: Pick<LocationBudget, 'perMinute' | 'limits'>): RateChart {
  const plot = {
    left: MARGIN.left,
    top: MARGIN.top,
    right: CHART_WIDTH - MARGIN.right,
    bottom: CHART_HEIGHT - MARGIN.bottom,
  };
  const plotWidth = plot.right - plot.left;
  const plotHeight = plot.bottom - plot.top;
  const ceiling = location.limits.perMinuteCeiling;
  const peak = Math.max(0, ...location.perMinute.map((m) => m.calls));
  const yMax = Math.max(1, Math.ceil(Math.max(ceiling, peak) * HEADROOM));
  const y = (value: number): number => round(plot.bottom - (value / yMax) * plotHeight);
  const slot = plotWidth / Math.max(1, location.perMinute.length);
  // A one-pixel gap between bars keeps a dense hour readable; wide windows just touch.
  const barWidth = Math.max(0.5, slot > 3 ? slot - 1 : slot);

  const bars = location.perMinute.map((m, i): ChartBar => {
    const top = y(m.calls);
    return {
      x: round(plot.left + i * slot),
      y: top,
      width: round(barWidth),
      height: round(plot.bottom - top),
      calls: m.calls,
      rateLimited: m.rateLimited,
      markX: round(plot.left + i * slot + barWidth / 2),
      markY: Math.max(plot.top, top - 6),
    };
  });
  const step = Math.max(1, Math.floor(location.perMinute.length / X_LABELS));
  const xLabels = location.perMinute
    .map((m, i) => ({ x: round(plot.left + i * slot), minute: m.minute, i }))
    .filter((label) => label.i % step === 0)
    .map(({ x, minute }) => ({ x, minute, text: new Date(minute).toISOString().slice(11, 16) }));
  return {
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    plot,
    ceiling: { y: y(ceiling), value: ceiling },
    yMax,
    bars,
    xLabels,
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

import type { Timeline } from '../metrics/timeline';
import { esc } from './html';

const W = 720;
const PANEL_H = 110;
const PAD = { left: 56, right: 12, top: 18, bottom: 18 };

/**
 * Two small panels in one inline SVG: rows completed over time (cumulative) and mean API latency
 * per bucket. No script, no external assets: it renders the same on a machine without internet.
 */
export function timelineSvg(timeline: Timeline | undefined): string {
  const points = timeline?.points ?? [];
  const height = PANEL_H * 2 + 10;
  if (points.length === 0) {
    return `<svg class="chart" viewBox="0 0 ${W} 60" role="img" aria-label="no timeline yet"><text x="${W / 2}" y="34" text-anchor="middle" class="muted">No timeline yet: it appears as workers finish rows.</text></svg>`;
  }
  const t0 = points[0]!.t;
  const t1 = Math.max(points[points.length - 1]!.t, t0 + 1000);
  let total = 0;
  const cumulative = points.map((p) => ({ t: p.t, v: (total += p.rows) }));
  const latency = points
    .filter((p) => p.latencyMs !== undefined)
    .map((p) => ({ t: p.t, v: p.latencyMs! }));
  const unit = timeline!.resolutionS === 1 ? 's' : 'min';
  return [
    `<svg class="chart" viewBox="0 0 ${W} ${height}" role="img" aria-label="rows completed and API latency over time">`,
    panel(cumulative, t0, t1, 0, `rows completed (${total})`, 'rows', '#2f6fdf', true),
    panel(latency, t0, t1, PANEL_H + 10, `API latency, mean per ${unit}`, 'ms', '#d9730d', false),
    '</svg>',
  ].join('');
}

function panel(
  series: Array<{ t: number; v: number }>,
  t0: number,
  t1: number,
  y0: number,
  title: string,
  unit: string,
  color: string,
  area: boolean,
): string {
  const plotW = W - PAD.left - PAD.right;
  const plotH = PANEL_H - PAD.top - PAD.bottom;
  const max = Math.max(1, ...series.map((p) => p.v));
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0)) * plotW;
  const y = (v: number) => y0 + PAD.top + plotH - (v / max) * plotH;
  const parts = [
    `<text x="${PAD.left}" y="${y0 + 12}" class="chart-title">${esc(title)}</text>`,
    `<line x1="${PAD.left}" y1="${y(0)}" x2="${W - PAD.right}" y2="${y(0)}" class="axis"/>`,
    `<text x="${PAD.left - 6}" y="${y(max) + 4}" text-anchor="end" class="tick">${esc(`${Math.round(max)} ${unit}`)}</text>`,
    `<text x="${PAD.left - 6}" y="${y(0) + 4}" text-anchor="end" class="tick">0</text>`,
    `<text x="${PAD.left}" y="${y0 + PANEL_H - 2}" class="tick">${esc(clock(t0))}</text>`,
    `<text x="${W - PAD.right}" y="${y0 + PANEL_H - 2}" text-anchor="end" class="tick">${esc(clock(t1))}</text>`,
  ];
  if (series.length > 0) {
    const line = series
      .map((p, i) => `${i ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`)
      .join('');
    if (area) {
      const last = series[series.length - 1]!;
      parts.push(
        `<path d="${line}L${x(last.t).toFixed(1)},${y(0)}L${x(series[0]!.t).toFixed(1)},${y(0)}Z" fill="${color}" fill-opacity="0.15"/>`,
      );
    }
    parts.push(`<path d="${line}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
  }
  return parts.join('');
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

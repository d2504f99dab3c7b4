import type { CaseResult } from './types';
import type { MachineInfo } from './machine';

const HEADERS = ['case', 'metric', 'unit', 'product', 'baseline/ideal', 'ratio', 'target', 'met'];

function num(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '';
  if (Number.isInteger(x)) return x.toLocaleString('en-US');
  return String(Math.round(x * 1000) / 1000);
}

/** The results as a plain-text table (also valid Markdown), one line per metric. */
export function formatTable(results: CaseResult[]): string {
  const rows: string[][] = [];
  for (const r of results) {
    for (const m of r.metrics) {
      rows.push([
        r.id,
        m.label,
        m.unit,
        num(m.product),
        num(m.baseline),
        num(m.ratio),
        m.target ?? '',
        m.pass === undefined ? '' : m.pass ? 'yes' : 'NO',
      ]);
    }
  }
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i >= 3 && i <= 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  return [
    line(HEADERS),
    `|${widths.map((w, i) => (i >= 3 && i <= 5 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

export function formatMachine(m: MachineInfo): string {
  return `${m.cores} cores (${m.cpuModel}), ${m.memoryGB} GB, ${m.os}, Node ${m.node}, Redis ${m.redis}, commit ${m.commit.slice(0, 12)}${m.dirty ? ' (dirty tree)' : ''}`;
}

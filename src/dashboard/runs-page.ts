import { basename } from 'node:path';
import { formatTime, html, type Html } from './html';
import { page, type PageContext } from './layout';
import type { Progress, RunSummary } from './run-view';

export function progressCell(p: Progress): Html {
  return html`<span class="bar"><span class="fill" style="width:${p.percent}%"></span></span>
<span data-field="percent">${p.percent} %</span> <span class="muted" data-field="rows">${p.settled}/${p.total ?? '?'}</span>`;
}

export function runsTableBody(runs: RunSummary[]): Html {
  if (runs.length === 0) return html`<tr><td colspan="5" class="muted">No runs yet. Start one with: rtc-provisioner run &lt;file&gt;</td></tr>`;
  return html`${runs.map(
    ({ meta, progress }) => html`<tr data-run="${meta.id}">
<td><a class="mono" href="/runs/${encodeURIComponent(meta.id)}">${meta.id}</a></td>
<td title="${meta.source}">${basename(meta.source)}</td>
<td>${formatTime(meta.createdAt)}</td>
<td class="state-${meta.state}" data-field="state">${progress.complete && meta.state !== 'finished' ? 'settled' : meta.state}</td>
<td>${progressCell(progress)}</td></tr>`,
  )}`;
}

export function runsPage(runs: RunSummary[], ctx: PageContext): string {
  return page(
    'Runs',
    ctx,
    html`<h1>Runs</h1>
<table><thead><tr><th>run</th><th>source</th><th>started</th><th>state</th><th>progress</th></tr></thead>
<tbody id="runs">${runsTableBody(runs)}</tbody></table>`,
    { page: 'runs' },
  );
}

import { basename } from 'node:path';
import { formatTime, markup, type Html } from './html';
import { page, type PageContext } from './layout';
import type { Progress, RunSummary } from '../runs/run-view';

export function progressCell(p: Progress): Html {
  return markup`<span class="bar"><span class="fill" style="width:${p.percent}%"></span></span> <span data-field="percent">${p.percent} %</span> <span class="muted" data-field="rows">${p.settled}/${p.total ?? '?'}</span>`;
}

/** `settled` when every row has an outcome but nobody marked the run finished (e.g. a resume from here). */
export function displayState(s: RunSummary): string {
  return s.progress.complete && s.meta.state !== 'finished' ? 'settled' : s.meta.state;
}

export function runsTableBody(runs: RunSummary[]): Html {
  if (runs.length === 0)
    return markup`<tr><td colspan="5" class="muted">No runs yet. Start one with: rtc-provisioner run &lt;file&gt;</td></tr>`;
  return markup`${runs.map(
    (
      r,
    ) => markup`<tr data-run="${r.meta.id}"><td><a class="mono" href="/runs/${encodeURIComponent(r.meta.id)}">${r.meta.id}</a></td>
<td title="${r.meta.source}">${basename(r.meta.source)}</td><td>${formatTime(r.meta.createdAt)}</td>
<td class="state-${displayState(r)}" data-field="state">${displayState(r)}</td><td>${progressCell(r.progress)}</td></tr>`,
  )}`;
}

export function runsPage(runs: RunSummary[], ctx: PageContext): string {
  return page(
    'Runs',
    ctx,
    markup`<h1>Runs</h1>
<table><thead><tr><th>run</th><th>source</th><th>started</th><th>state</th><th>progress</th></tr></thead>
<tbody id="runs">${runsTableBody(runs)}</tbody></table>`,
    { page: 'runs' },
  );
}

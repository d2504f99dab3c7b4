import { STATUSES } from '../domain/status';
import { timelineSvg } from './chart';
import { formatDuration, formatTime, markup, raw, type Html } from './html';
import { page, type PageContext } from './layout';
import type { FailureRow, RunView } from '../runs/run-view';

const runPath = (id: string) => `/runs/${encodeURIComponent(id)}`;

/** The parts of the run page that the live refresh replaces, rendered by one set of functions. */
export function runSections(view: RunView, ctx: PageContext): Record<string, string> {
  const sections: Record<string, string> = {
    progress: progressSection(view).html,
    statuses: statusChips(view).html,
    held: heldSection(view, ctx).html,
    tenants: tenantsTable(view).html,
    chart: timelineSvg(view.timeline),
  };
  if (view.failures)
    sections.failures = failuresTable(
      view.failures.rows,
      view.failures.truncated,
      view.unsuccessful,
    ).html;
  return sections;
}

function progressSection(view: RunView): Html {
  const p = view.progress;
  const held = view.counts.held
    ? markup` · <span class="warn">${view.counts.held} held</span>`
    : '';
  return markup`<span class="bar big"><span class="fill" style="width:${p.percent}%"></span></span>
<p><b id="progress-text">${p.percent} %</b> · ${p.settled}/${p.total ?? '?'} rows settled${held}${p.complete ? ' · complete' : ''}</p>`;
}

function statusChips(view: RunView): Html {
  const chips = STATUSES.map(
    (s) => markup`<span data-status="${s}">${s} <b>${view.counts.byStatus[s]}</b></span>`,
  );
  return markup`${chips}<span data-status="held">held <b>${view.counts.held}</b></span>`;
}

function heldSection(view: RunView, ctx: PageContext): Html {
  const held = Object.entries(view.held);
  if (held.length === 0) return markup`<p class="muted">No tenant is held.</p>`;
  const button =
    ctx.authenticated && !ctx.readOnly
      ? raw('<button type="submit">Resume</button>')
      : raw('<button type="submit" disabled title="log in to resume">Resume</button>');
  const rows = held.map(
    ([
      tenant,
      reason,
    ]) => markup`<tr data-held="${tenant}"><td>${tenant}</td><td class="n">${view.counts.byTenant[tenant]?.held ?? 0}</td>
<td><span class="mono">${reason.code}</span> ${reason.message}${reason.requestId ? markup` <span class="mono muted">${reason.requestId}</span>` : ''}</td><td>${reason.at}</td>
<td><form method="post" action="${runPath(view.meta.id)}/tenants/${encodeURIComponent(tenant)}/resume">${button}</form></td></tr>`,
  );
  return markup`<table><thead><tr><th>tenant</th><th class="n">held rows</th><th>reason</th><th>since</th><th></th></tr></thead><tbody>${rows}</tbody></table>
<p class="muted">Fix the tenant's credentials first (tenants file or environment of the workers); resume queues its held rows again for the run's workers.</p>`;
}

function tenantsTable(view: RunView): Html {
  const rows = view.tenants.map(
    (
      t,
    ) => markup`<tr data-tenant="${t.tenant}"><td>${t.tenant}${t.heldReason ? markup` <span class="warn">HELD</span>` : ''}</td>
<td class="n">${t.done}</td><td class="n">${t.created}</td><td class="n">${t.exists}</td><td class="n">${t.failed}</td><td class="n">${t.other}</td><td class="n">${t.held}</td>
<td class="n">${t.throttleWaitMs > 0 ? formatDuration(t.throttleWaitMs) : '—'}</td></tr>`,
  );
  const more = view.tenantsTruncated
    ? markup`<p class="muted">Only the first ${view.tenants.length} tenants are shown; /api/runs/${view.meta.id} has the counts of all.</p>`
    : '';
  return markup`<table><thead><tr><th>tenant</th><th class="n">done</th><th class="n">created</th><th class="n">exists</th><th class="n">failed</th><th class="n">other</th><th class="n">held</th><th class="n">throttle wait</th></tr></thead>
<tbody>${rows.length ? rows : markup`<tr><td colspan="8" class="muted">No tenants yet.</td></tr>`}</tbody></table>${more}`;
}

function failuresTable(rows: FailureRow[], truncated: boolean, total: number): Html {
  if (rows.length === 0) return markup`<p class="muted">No failures.</p>`;
  const body = rows.map(
    (
      f,
    ) => markup`<tr><td class="n">${f.line}</td><td>${f.tenant}</td><td>${f.appName}</td><td>${f.status}${f.held ? ' (held)' : ''}</td><td class="n">${f.httpStatus ?? ''}</td>
<td class="mono">${f.errorCode ?? ''}</td><td>${f.errorMsg ?? ''}</td><td class="mono">${(f.requestIds.length ? f.requestIds : f.requestId ? [f.requestId] : []).join(' ')}</td><td class="n">${f.attempts}</td></tr>`,
  );
  const more = truncated
    ? markup`<p class="muted">The first ${rows.length} of ${total}; the report has every row.</p>`
    : '';
  return markup`<table><thead><tr><th class="n">line</th><th>tenant</th><th>app name</th><th>status</th><th class="n">http</th><th>error code</th><th>message</th><th>request ids</th><th class="n">attempts</th></tr></thead><tbody>${body}</tbody></table>${more}`;
}

export function runPage(view: RunView, ctx: PageContext, flash?: string): string {
  const m = view.meta;
  const s = runSections(view, ctx);
  const path = runPath(m.id);
  const finished = m.finishedAt ? markup` · finished ${formatTime(m.finishedAt)}` : '';
  return page(
    `Run ${m.id}`,
    ctx,
    markup`<h1>Run <span class="mono">${m.id}</span></h1>${flash ? markup`<p class="note">${flash}</p>` : ''}
<p>source <span class="mono">${m.source}</span> · ${m.format} · started ${formatTime(m.createdAt)}${finished} · state <b class="state-${m.state}">${m.state}</b>
· report <a href="${path}/report.csv" download>CSV</a> · <a href="${path}/report.jsonl" download>JSON Lines</a></p>
<section id="progress">${raw(s.progress!)}</section>
<div class="chips" id="statuses">${raw(s.statuses!)}</div>
<h2>Rows completed and API latency</h2><div id="chart">${raw(s.chart!)}</div>
<h2>Held tenants</h2><section id="held">${raw(s.held!)}</section>
<h2>Tenants</h2><section id="tenants">${raw(s.tenants!)}</section>
<h2>Failures</h2><section id="failures" data-unsuccessful="${view.unsuccessful}">${raw(s.failures ?? '')}</section>`,
    {
      page: 'run',
      run: m.id,
      complete: String(view.progress.complete),
      'refresh-ms': String(ctx.refreshMs ?? 2000),
    },
  );
}

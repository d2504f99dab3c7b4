import { STATUSES } from '../domain/status';
import { timelineSvg } from './chart';
import { formatDuration, formatTime, html, raw, type Html } from './html';
import { page, type PageContext } from './layout';
import type { FailureRow, RunView } from './run-view';

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
  if (view.failures) sections.failures = failuresTable(view.failures.rows, view.failures.truncated, view.unsuccessful).html;
  return sections;
}

function progressSection(view: RunView): Html {
  const p = view.progress;
  return html`<span class="bar big"><span class="fill" style="width:${p.percent}%"></span></span>
<p><b id="progress-text">${p.percent} %</b> · ${p.settled}/${p.total ?? '?'} rows settled${
    view.counts.held ? html` · <span class="warn">${view.counts.held} held</span>` : ''
  }${p.complete ? ' · complete' : ''}</p>`;
}

function statusChips(view: RunView): Html {
  return html`${STATUSES.map((s) => html`<span data-status="${s}">${s} <b>${view.counts.byStatus[s]}</b></span>`)}<span data-status="held">held <b>${view.counts.held}</b></span>`;
}

function heldSection(view: RunView, ctx: PageContext): Html {
  const held = Object.entries(view.held);
  if (held.length === 0) return html`<p class="muted">No tenant is held.</p>`;
  const canWrite = ctx.authenticated && !ctx.readOnly;
  return html`<table><thead><tr><th>tenant</th><th class="n">held rows</th><th>reason</th><th>since</th><th></th></tr></thead><tbody>${held.map(
    ([tenant, reason]) => html`<tr data-held="${tenant}"><td>${tenant}</td><td class="n">${view.counts.byTenant[tenant]?.held ?? 0}</td>
<td><span class="mono">${reason.code}</span> ${reason.message}${reason.requestId ? html` <span class="mono muted">${reason.requestId}</span>` : ''}</td><td>${reason.at}</td>
<td><form method="post" action="${runPath(view.meta.id)}/tenants/${encodeURIComponent(tenant)}/resume"><button type="submit"${
      canWrite ? '' : raw(' disabled title="log in to resume"')
    }>Resume</button></form></td></tr>`,
  )}</tbody></table><p class="muted">Fix the tenant's credentials first (tenants file or environment of the workers); resume queues its held rows again for the run's workers.</p>`;
}

function tenantsTable(view: RunView): Html {
  const rows = view.tenants.map(
    (t) => html`<tr data-tenant="${t.tenant}"><td>${t.tenant}${t.heldReason ? html` <span class="warn">HELD</span>` : ''}</td>
<td class="n">${t.done}</td><td class="n">${t.created}</td><td class="n">${t.exists}</td><td class="n">${t.failed}</td><td class="n">${t.other}</td><td class="n">${t.held}</td>
<td class="n">${t.throttleWaitMs > 0 ? formatDuration(t.throttleWaitMs) : '—'}</td></tr>`,
  );
  return html`<table><thead><tr><th>tenant</th><th class="n">done</th><th class="n">created</th><th class="n">exists</th><th class="n">failed</th><th class="n">other</th><th class="n">held</th><th class="n">throttle wait</th></tr></thead>
<tbody>${rows.length ? rows : html`<tr><td colspan="8" class="muted">No tenants yet.</td></tr>`}</tbody></table>${
    view.tenantsTruncated ? html`<p class="muted">Only the first ${view.tenants.length} tenants are shown; /api/runs/${view.meta.id} has the counts of all.</p>` : ''
  }`;
}

function failuresTable(rows: FailureRow[], truncated: boolean, total: number): Html {
  if (rows.length === 0) return html`<p class="muted">No failures.</p>`;
  return html`<table><thead><tr><th class="n">line</th><th>tenant</th><th>app name</th><th>status</th><th class="n">http</th><th>error code</th><th>message</th><th>request ids</th><th class="n">attempts</th></tr></thead><tbody>${rows.map(
    (f) => html`<tr><td class="n">${f.line}</td><td>${f.tenant}</td><td>${f.appName}</td><td>${f.status}${f.held ? ' (held)' : ''}</td><td class="n">${f.httpStatus ?? ''}</td>
<td class="mono">${f.errorCode ?? ''}</td><td>${f.errorMsg ?? ''}</td><td class="mono">${(f.requestIds.length ? f.requestIds : f.requestId ? [f.requestId] : []).join(' ')}</td><td class="n">${f.attempts}</td></tr>`,
  )}</tbody></table>${truncated ? html`<p class="muted">The first ${rows.length} of ${total}; the report has every row.</p>` : ''}`;
}

export function runPage(view: RunView, ctx: PageContext, flash?: string): string {
  const m = view.meta;
  const s = runSections(view, ctx);
  const path = runPath(m.id);
  return page(
    `Run ${m.id}`,
    ctx,
    html`<h1>Run <span class="mono">${m.id}</span></h1>
${flash ? html`<p class="note">${flash}</p>` : ''}
<p>source <span class="mono">${m.source}</span> · ${m.format} · started ${formatTime(m.createdAt)}${m.finishedAt ? html` · finished ${formatTime(m.finishedAt)}` : ''} · state <b class="state-${m.state}">${m.state}</b>
· report <a href="${path}/report.csv" download>CSV</a> · <a href="${path}/report.jsonl" download>JSON Lines</a></p>
<section id="progress">${raw(s.progress!)}</section>
<div class="chips" id="statuses">${raw(s.statuses!)}</div>
<h2>Rows completed and API latency</h2><div id="chart">${raw(s.chart!)}</div>
<h2>Held tenants</h2><section id="held">${raw(s.held!)}</section>
<h2>Tenants</h2><section id="tenants">${raw(s.tenants!)}</section>
<h2>Failures</h2><section id="failures" data-unsuccessful="${view.unsuccessful}">${raw(s.failures ?? '')}</section>`,
    { page: 'run', run: m.id, complete: String(view.progress.complete), 'refresh-ms': String(ctx.refreshMs ?? 2000) },
  );
}

import { markup, raw, type Html } from './html';

export interface PageContext {
  /** Credentials are configured, so signing in is possible. */
  authEnabled: boolean;
  authenticated: boolean;
  readOnly: boolean;
  /** The current path, for the log-in link's `next`. */
  path: string;
  /** Live refresh period of the run pages. */
  refreshMs?: number;
}

const CSS = `
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;background:#f6f7f9}
header{display:flex;gap:18px;align-items:center;padding:10px 20px;background:#1d2330;color:#fff}
header a{color:#cfe0ff;text-decoration:none}header .brand{font-weight:600;color:#fff}header .auth{margin-left:auto;font-size:12px;color:#aab}
header form{display:inline}header button{font-size:12px}
main{padding:16px 20px;max-width:1200px}
h1{font-size:20px;margin:4px 0 12px}h2{font-size:15px;margin:22px 0 8px}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #dde1e8}
th,td{padding:5px 8px;border-bottom:1px solid #eceef2;text-align:left;vertical-align:top}
th{background:#f0f2f5;font-weight:600;font-size:12px;text-transform:uppercase;color:#556}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.bar{display:inline-block;width:220px;height:12px;background:#e3e7ee;border-radius:6px;overflow:hidden;vertical-align:middle}
.bar.big{width:100%;max-width:640px;height:18px;border-radius:9px}
.fill{display:block;height:100%;background:#2f9e5b;transition:width .4s}
.muted{color:#778;fill:#778}.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
.chips span{display:inline-block;margin:0 6px 6px 0;padding:3px 9px;border-radius:12px;background:#fff;border:1px solid #dde1e8}
.chips b{font-variant-numeric:tabular-nums}
.state-running,.state-enqueuing{color:#2f6fdf}.state-finished,.state-settled{color:#2f9e5b}
.warn{color:#b3261e}.note{padding:8px 12px;background:#fff8e1;border:1px solid #f0d98c;border-radius:4px;margin:8px 0}
.chart{width:100%;max-width:720px;background:#fff;border:1px solid #dde1e8}
.chart .axis{stroke:#ccd}.chart .tick{font-size:10px;fill:#778}.chart .chart-title{font-size:11px;fill:#334;font-weight:600}
button{cursor:pointer}button[disabled]{cursor:not-allowed}
`;

export function page(
  title: string,
  ctx: PageContext,
  body: Html,
  attrs: Record<string, string> = {},
): string {
  const data = Object.entries(attrs).map(([k, v]) => markup` data-${raw(k)}="${v}"`);
  const next = encodeURIComponent(ctx.path);
  const auth = ctx.readOnly
    ? markup`read-only dashboard`
    : !ctx.authEnabled
      ? markup`read-only: set DASHBOARD_TOKEN to enable actions`
      : ctx.authenticated
        ? markup`signed in <form method="post" action="/logout"><button type="submit">log out</button></form>`
        : markup`read-only · <a href="/login?next=${next}">log in</a> for actions`;
  return `<!doctype html>${
    markup`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · rtc-provisioner</title><style>${raw(CSS)}</style></head>
<body${data}><header><a class="brand" href="/">rtc-provisioner</a><a href="/">Runs</a><a href="/queues">Queue</a><a href="/metrics">Metrics</a><span class="auth">${auth}</span></header>
<main>${body}</main><script src="/assets/dashboard.js" defer></script></body></html>`.html
  }`;
}

/**
 * The pages' live refresh, served as /assets/dashboard.js (no build step, no CDN). It replaces
 * server-rendered sections with fresh ones from the JSON API and stops once a run is complete.
 */
export const CLIENT_SCRIPT = `(() => {
  'use strict';
  const body = document.body;
  const every = (ms, fn) => { let stop = false; const tick = async () => { if (stop) return; try { stop = await fn(); } catch (e) { /* keep polling */ } if (!stop) setTimeout(tick, ms); }; setTimeout(tick, ms); };
  const getJson = async (url) => { const r = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' }); if (!r.ok) throw new Error(r.status); return r.json(); };

  if (body.dataset.page === 'runs') {
    every(3000, async () => {
      const res = await getJson('/api/runs?html=1');
      document.getElementById('runs').innerHTML = res.html;
      return false;
    });
  }

  if (body.dataset.page === 'run') {
    const id = encodeURIComponent(body.dataset.run);
    const failures = document.getElementById('failures');
    let complete = body.dataset.complete === 'true';
    const refresh = async () => {
      const unsuccessful = Number(failures.dataset.unsuccessful);
      const res = await getJson('/api/runs/' + id + '?html=1&timeline=1');
      const wantFailures = res.unsuccessful !== unsuccessful;
      const full = wantFailures ? await getJson('/api/runs/' + id + '?html=1&timeline=1&failures=1') : res;
      for (const [name, markup] of Object.entries(full.sections)) {
        const el = document.getElementById(name);
        if (el) el.innerHTML = markup;
      }
      failures.dataset.unsuccessful = String(full.unsuccessful);
      const wasComplete = complete;
      complete = full.progress.complete;
      body.dataset.complete = String(complete);
      return wasComplete && complete;
    };
    if (!complete) every(Number(body.dataset.refreshMs || 2000), refresh);
  }
})();
`;

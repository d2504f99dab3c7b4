import { readCsv } from '../helpers/report';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, tempFile, type Harness } from '../helpers/pipeline';

const VALID = 485;
const PRELOADED = ['legacy-000', 'legacy-001', 'legacy-002', 'legacy-003', 'legacy-004'];

function buildCsv(): string {
  const lines = ['tenant,app_name,customer_ref'];
  for (let i = 0; i < VALID; i++) lines.push(`acme,app-${String(i).padStart(4, '0')},C${i}`);
  for (const name of PRELOADED) lines.push(`acme,${name},old`);
  lines.push('acme,,empty name');
  lines.push(`acme,${'x'.repeat(65)},too long`);
  lines.push('acme,"bad\u0007bell",control char');
  lines.push('acme,"  ",blank');
  lines.push('acme,bad\u0001name,control char');
  for (let i = 0; i < 5; i++) lines.push(`acme,app-${String(i).padStart(4, '0')},dup`);
  return lines.join('\n') + '\n';
}

describe('500 rows against a faulty API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      emulator: {
        defaultQuota: 1000,
        preload: { acme: PRELOADED },
        faults: { seed: 42, error500Rate: 0.2, ambiguousRate: 0.05 },
      },
      settings: { concurrency: 40, quota: 1000 },
    });
  });
  afterAll(async () => h.close());

  it('accounts for every row exactly once and creates every valid name exactly once', async () => {
    const path = await tempFile('rows.csv', buildCsv());
    const { reportPath, report } = await h.runFile(path);
    const rows = await readCsv(reportPath);
    expect(rows).toHaveLength(500);
    expect(report.rows).toBe(500);
    expect(new Set(rows.map((r) => r.line)).size).toBe(500);
    // Input order, pass-through column kept.
    expect(rows.map((r) => Number(r.line))).toEqual(
      [...rows.map((r) => Number(r.line))].sort((a, b) => a - b),
    );
    expect(rows[0]!.customer_ref).toBe('C0');

    const byStatus = (s: string) => rows.filter((r) => r.status === s);
    expect(byStatus('invalid_input')).toHaveLength(5);
    expect(byStatus('duplicate_in_input')).toHaveLength(5);
    expect(
      byStatus('exists')
        .map((r) => r.app_name)
        .sort(),
    ).toEqual(PRELOADED);
    // A row may only fail when its retries were really used up, and the report says so.
    for (const r of byStatus('failed')) {
      expect(Number(r.attempts)).toBe(6);
      expect(r.error_msg).toMatch(/gave up after 6 attempts/);
    }
    expect(byStatus('created').length + byStatus('failed').length).toBe(VALID);

    const apps = h.emulator.apps();
    const names = apps.map((a) => a.app_name);
    expect(new Set(names).size).toBe(names.length);
    const appIdByName = new Map(apps.map((a) => [a.app_name, a.app_id]));
    for (const r of byStatus('created')) {
      expect(appIdByName.get(r.app_name!)).toBe(r.app_id);
      expect(r.request_ids!.split(' ').length).toBeGreaterThanOrEqual(Number(r.attempts));
    }
    // Rows that failed after ambiguous attempts were looked up: only truly absent names fail.
    for (const r of byStatus('failed')) expect(appIdByName.has(r.app_name!)).toBe(false);
    // Every valid name that did not fail exists exactly once.
    for (let i = 0; i < VALID; i++) {
      const name = `app-${String(i).padStart(4, '0')}`;
      const failed = byStatus('failed').some((r) => r.app_name === name);
      expect(appIdByName.has(name)).toBe(!failed);
    }
    // Invalid rows never reached the emulator: it saw only the valid names.
    expect(names.every((n) => /^(app-\d{4}|legacy-\d{3})$/.test(n))).toBe(true);
    const stats = h.emulator.stats();
    expect(
      stats.faults.error500 + stats.faults.ambiguous500 + stats.faults.ambiguousDrop,
    ).toBeGreaterThan(50);
    const reconciled = rows.filter((r) => r.reconciled === 'true');
    expect(reconciled.length).toBeGreaterThan(0);
    for (const r of reconciled) expect(r.status).toBe('created');
  });
});

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { hasRedisServer } from '../../src/infra/private-redis';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CASES = ['enqueue', 'process', 'limiter', 'report', 'end-to-end'];

interface ResultsFile {
  quick: boolean;
  machine: { cores: number; memoryGB: number; node: string; redis: string; commit: string };
  cases: Array<{
    id: string;
    metrics: Array<{ label: string; product: number }>;
  }>;
  errors: Array<{ id: string; error: string }>;
}

function runBench(out: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['bench/run.ts', '--quick', '--out', out], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 85_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

// The bench starts its own redis-server (it flushes and resets it freely).
describe.skipIf(!(await hasRedisServer()))('npm run bench -- --quick', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('finishes and writes a results file with every case, the machine and the commit', async () => {
    dir = await mkdtemp(join(tmpdir(), 'rtcp-bench-test-'));
    const out = join(dir, 'latest.json');
    const { code, output } = await runBench(out);
    expect(code, output).toBe(0);
    const results = JSON.parse(await readFile(out, 'utf8')) as ResultsFile;
    expect(results.errors).toEqual([]);
    expect(results.quick).toBe(true);
    expect(results.cases.map((c) => c.id)).toEqual(CASES);
    for (const c of results.cases) {
      expect(c.metrics.length, c.id).toBeGreaterThan(0);
      for (const m of c.metrics)
        expect(Number.isFinite(m.product), `${c.id}: ${m.label}`).toBe(true);
    }
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(results.machine.memoryGB).toBeGreaterThan(0);
    expect(results.machine.node).toBe(process.version);
    expect(results.machine.redis).toMatch(/^\d+\.\d+/);
    expect(results.machine.commit).toMatch(/^[0-9a-f]{40}$|^unknown$/);
    expect(output).toContain('| case');
  }, 90_000);
});

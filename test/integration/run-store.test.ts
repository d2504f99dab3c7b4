import { afterAll, describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/domain/outcome';
import { createRunStore } from '../../src/runs/run-store';
import { deletePrefix, testPrefix, testRedis } from '../helpers/redis';

const redis = testRedis();
const prefix = testPrefix('store');
const store = createRunStore(redis, prefix);
afterAll(async () => {
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

const outcome = (
  line: number,
  status: Outcome['status'],
  extra: Partial<Outcome> = {},
): Outcome => ({
  line,
  tenant: 'acme',
  appName: `app-${line}`,
  status,
  requestIds: [],
  attempts: 1,
  reconciled: false,
  extra: {},
  ...extra,
});

describe('run store outcomes', () => {
  it('a row processed twice overwrites its own outcome; counters stay exact', async () => {
    await store.setOutcome('r1', outcome(2, 'failed'));
    await store.setOutcome('r1', outcome(2, 'created', { appId: 'a' }));
    await store.setOutcome('r1', outcome(3, 'rejected'));
    const c = await store.counts('r1');
    expect(c.done).toBe(2);
    expect(c.byStatus).toMatchObject({ created: 1, failed: 0, rejected: 1 });
    expect(c.byTenant.acme).toEqual({ created: 1, rejected: 1 });
    expect(await store.outcomeCount('r1')).toBe(2);
  });

  it('"created" is never replaced by a twin run\'s later "exists" or "failed"', async () => {
    await store.setOutcome('r2', outcome(5, 'created', { appId: 'x' }));
    expect(await store.setOutcome('r2', outcome(5, 'exists'))).toBe(false);
    expect(await store.setOutcome('r2', outcome(5, 'failed'))).toBe(false);
    expect((await store.getOutcome('r2', 5))!.status).toBe('created');
    expect((await store.counts('r2')).byStatus).toMatchObject({ created: 1, exists: 0, failed: 0 });
  });

  it('held outcomes are provisional: counted apart, replaced by the final one', async () => {
    await store.setOutcome('r3', outcome(7, 'auth_failed', { held: true }));
    let c = await store.counts('r3');
    expect([c.done, c.held]).toEqual([0, 1]);
    await store.setOutcome('r3', outcome(7, 'created'));
    c = await store.counts('r3');
    expect([c.done, c.held, c.byStatus.created]).toEqual([1, 0, 1]);
  });

  it('keepFinal never overwrites a final outcome (re-submitted problems)', async () => {
    await store.setOutcome('r4', outcome(9, 'invalid_input'));
    await store.setOutcome('r4', outcome(9, 'invalid_input', { errorMsg: 'again' }), {
      keepFinal: true,
    });
    expect((await store.getOutcome('r4', 9))!.errorMsg).toBeUndefined();
    expect((await store.counts('r4')).done).toBe(1);
  });

  it('outcomes come back in input order, skipping lines without one', async () => {
    for (const l of [12, 10, 11, 15]) await store.setOutcome('r5', outcome(l, 'created'));
    const lines: number[] = [];
    for await (const o of store.outcomesInOrder('r5', 15, 2)) lines.push(o.line);
    expect(lines).toEqual([10, 11, 12, 15]);
  });
});

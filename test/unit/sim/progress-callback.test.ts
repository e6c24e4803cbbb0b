/** The progress callback only listens: plan and rehearsal are byte for byte the same with it, and it sees every phase. */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/catalog/catalog.js';
import type { ProgressStep } from '../../../src/model/progress.js';
import { rehearse } from '../../../sim/rehearse.js';
import { loadScenario } from '../../../sim/scenario.js';
import { scenarioInputs } from '../../../sim/scenario-inputs.js';

describe('progress callback of plan and rehearsal', () => {
  it('changes nothing and reports pack, expected fleet and simulate up to their totals', async () => {
    const catalog = loadCatalog();
    const inputs = scenarioInputs(loadScenario('scenarios/chaos-recovers.yaml'), catalog);
    const steps: ProgressStep[] = [];
    const quiet = await rehearse(inputs, catalog);
    const told = await rehearse(inputs, catalog, { onProgress: (s) => steps.push(s) });
    expect(JSON.stringify(told.plan)).toBe(JSON.stringify(quiet.plan));
    expect(JSON.stringify(told.result)).toBe(JSON.stringify(quiet.result));
    expect([...new Set(steps.map((s) => s.phase))]).toEqual(['pack', 'expected fleet', 'simulate']);
    const last = (phase: string): ProgressStep | undefined => steps.filter((s) => s.phase === phase).at(-1);
    expect(last('pack')?.done).toBe(last('pack')?.total);
    expect(last('expected fleet')?.done).toBe(quiet.plan.batches.length);
    const sim = steps.filter((s) => s.phase === 'simulate');
    expect(sim.at(-1)?.done).toBe(quiet.plan.batches.length);
    // never backwards, in batches or in virtual time
    for (let i = 1; i < sim.length; i++) {
      expect(sim[i]!.done).toBeGreaterThanOrEqual(sim[i - 1]!.done);
      expect(Number(sim[i]!.detail?.['virtualSeconds'])).toBeGreaterThanOrEqual(Number(sim[i - 1]!.detail?.['virtualSeconds']));
    }
  });
});

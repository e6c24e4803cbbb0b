import fc from 'fast-check';
import { it } from 'vitest';
import { buildWorld, run, worldSpecArb } from './sim-world.js';
import { checkInvariants, formatViolations } from '../../sim/invariants/index.js';

it('explore agreement', async () => {
  const samples = fc.sample(fc.tuple(worldSpecArb, fc.integer({ min: 0, max: 2 ** 31 - 1 })), { numRuns: Number(process.env['N'] ?? 80), seed: Number(process.env['S'] ?? 1) });
  let bad = 0;
  for (const [spec, seed] of samples) {
    if (process.env['SKIPGPU'] && spec.special && spec.vngs === 'full' && spec.params.drainTimeThresholdSeconds === 300) continue;
    const w = buildWorld(spec);
    const r = await run(w, seed);
    const predicted = w.plan.predictedFailure?.code ?? null;
    const ok = predicted === null ? r.status === 'Completed' : r.status === 'Failed' && r.failure?.code === predicted;
    const v = checkInvariants({ plan: w.plan, cluster: w.cluster, result: r });
    if (!ok || v.length > 0) {
      bad++;
      console.log(JSON.stringify(spec), seed, 'feasible', w.plan.feasible, 'pred', predicted, '->', r.status, r.failure?.code, r.durationSeconds, r.failure?.why, '\n' + formatViolations(v));
    }
  }
  console.log('bad', bad, 'of', samples.length);
});

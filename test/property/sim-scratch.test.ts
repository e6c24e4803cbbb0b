import { it } from 'vitest';
import { loadCatalog } from '../../src/catalog/catalog.js';
import { generateClusterObjects } from '../../src/gen/cluster.js';
import { Prng } from '../../src/gen/prng.js';
import { parseClusterObjects } from '../../src/model/kube/index.js';
import { parseVngText } from '../../src/model/vng/parse-vngs.js';
import { readFileSync } from 'node:fs';
import { buildPlan } from '../../src/planner/plan.js';
import { DEFAULT_PARAMS } from '../../src/model/params.js';
import { simulate } from '../../sim/simulate.js';

const catalog = loadCatalog();
it('timing', async () => {
  const vngs = parseVngText(readFileSync('scenarios/vngs/general.json', 'utf8'), 'g', catalog).vngs;
  for (const [nodes, pods] of [[6, 60], [8, 120], [12, 200]] as const) {
    for (const seed of [1, 2, 3]) {
      const t0 = performance.now();
      const cluster = parseClusterObjects(generateClusterObjects({ nodes, pods }, new Prng(seed)), 'gen');
      const t1 = performance.now();
      const plan = buildPlan({ cluster, vngs, catalog, params: DEFAULT_PARAMS });
      const t2 = performance.now();
      const r = await simulate({ cluster, vngs, catalog, plan, seed });
      const t3 = performance.now();
      console.log(nodes, pods, seed, 'gen', (t1 - t0).toFixed(0), 'plan', (t2 - t1).toFixed(0), 'sim', (t3 - t2).toFixed(0), plan.feasible, plan.predictedFailure?.code, r.status, r.failure?.code, r.events.length, r.durationSeconds, plan.boundSeconds, plan.batches.length);
    }
  }
});

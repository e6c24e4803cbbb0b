import { it } from 'vitest';
import { cluster, deployment, generalVng, oldNode, pdb, planFor } from '../unit/sim/tiny-world.js';
import { simulate } from '../../sim/simulate.js';
import { catalog } from '../unit/sim/tiny-world.js';

it('peek', async () => {
  const nodes = [oldNode('old-1', 'i-0aaa0000000000001'), oldNode('old-2', 'i-0aaa0000000000002'), oldNode('old-3', 'i-0aaa0000000000003')];
  const web = deployment({ name: 'web', replicas: 3, nodes: ['old-1', 'old-2', 'old-3'] });
  const c = cluster(nodes, [web], [pdb('web', 'web', 1)]);
  const plan = planFor(c, [generalVng()], { batchSizePercentage: 34 });
  console.log(JSON.stringify(plan.batches.map((b) => b.nodes)), plan.boundSeconds, plan.oldNodes);
  const r = await simulate({ cluster: c, vngs: [generalVng()], catalog, plan, seed: 1 });
  for (const e of r.events) console.log(JSON.stringify(e));
});

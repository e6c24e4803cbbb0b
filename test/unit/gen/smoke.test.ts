import { test } from 'vitest';
import { generateClusterObjects } from '../../../src/gen/cluster.js';
import { Prng } from '../../../src/gen/prng.js';
test('smoke', () => {
  let t = Date.now();
  const o = generateClusterObjects({ nodes: 20, pods: 600 }, new Prng(1));
  const c: Record<string, number> = {};
  for (const x of o) c[x.kind] = (c[x.kind] ?? 0) + 1;
  console.log(c, Date.now() - t);
  t = Date.now();
  const big = generateClusterObjects({ nodes: 5000, pods: 150000 }, new Prng(1));
  console.log(big.length, Date.now() - t, process.memoryUsage().heapUsed / 1e6);
  t = Date.now();
  const s = JSON.stringify(big);
  console.log(s.length / 1e6, Date.now() - t);
}, 600000);

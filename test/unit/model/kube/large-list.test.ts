import { describe, expect, it } from 'vitest';
import { parseClusterText } from '../../../../src/model/kube/index.js';
import { container, pod } from './helpers.js';

// Not a timing test (benchmarks live in bench/): it checks that a large JSON List goes through the whole path, owners resolve
// through Map lookups, and output order is by namespace then name whatever the input order.
describe('a large List', () => {
  it('parses 30,000 pods of 3,000 ReplicaSets, resolving each to its Deployment', () => {
    const items: unknown[] = [];
    const replicaSets = 3000;
    for (let i = 29_999; i >= 0; i--) {
      const r = i % replicaSets;
      items.push(
        pod(`web-${r}-${i}`, { nodeName: `node-${i % 500}`, containers: [container('app', { cpu: '250m', memory: '256Mi' })] }, {
          namespace: `ns-${r % 40}`,
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `web-${r}`, uid: `rs-${r}`, controller: true }],
        }),
      );
    }
    for (let r = 0; r < replicaSets; r++) {
      items.push({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `web-${r}`,
          namespace: `ns-${r % 40}`,
          uid: `rs-${r}`,
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: `deploy-${r}`, uid: `d-${r}`, controller: true }],
        },
      });
    }
    const cluster = parseClusterText(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }), 'big.json');
    expect(cluster.pods).toHaveLength(30_000);
    expect(cluster.workloads).toHaveLength(replicaSets);
    expect(cluster.pods.every((p) => p.workload?.kind === 'Deployment' && p.workload.name === `deploy-${p.owner?.name.slice(4)}`)).toBe(true);
    const keys = cluster.pods.map((p) => `${p.namespace}\u0000${p.name}`);
    expect(keys).toEqual([...keys].sort());
    expect(cluster.pods[0]?.requests).toEqual({ cpu: 250, memory: 256 * 1024 ** 2, pods: 1 });
  });
});

/**
 * The cluster bundled as examples/cluster.yaml: a small EKS cluster with two general node groups, a tainted batch node
 * group and a tainted GPU node group, and a workload mix that exercises every check of the planner (a GPU pod, batch pods,
 * a stand-alone pod, a PDB with maxUnavailable 0, zonal volumes, anti-affinity, zone spread).
 * examples/vngs.json holds the matching VNGs. test/unit/gen/example.test.ts keeps the file equal to this output.
 */
import { clusterListYaml, generateClusterObjects } from './cluster.js';
import { Prng } from './prng.js';
import type { ClusterGenSpec } from './spec.js';

export const EXAMPLE_SEED = 20260115;

export const EXAMPLE_CLUSTER_SPEC: ClusterGenSpec = {
  nodes: 14,
  pods: 250,
  nodeTypes: [
    { instanceType: 'm5.xlarge', weight: 6, nodegroup: 'general-xlarge' },
    { instanceType: 'm5.2xlarge', weight: 6, nodegroup: 'general-2xlarge' },
    {
      instanceType: 'c5.2xlarge',
      weight: 1,
      nodegroup: 'batch',
      labels: { 'workload-class': 'batch' },
      taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }],
    },
    {
      instanceType: 'g5.xlarge',
      weight: 1,
      nodegroup: 'gpu',
      labels: { accelerator: 'nvidia' },
      taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }],
    },
  ],
  zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  region: 'us-east-1',
  namespaces: 4,
  pdbFraction: 0.35,
  blockingPdbs: 1,
  safeToEvictFalse: 1,
  emptyDirFraction: 0.05,
  clusterName: 'shop-prod',
};

/** examples/cluster.yaml, byte for byte. */
export function exampleClusterYaml(): string {
  return clusterListYaml(generateClusterObjects(EXAMPLE_CLUSTER_SPEC, new Prng(EXAMPLE_SEED)));
}

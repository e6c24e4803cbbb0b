/**
 * Keeps examples/cluster.yaml equal to the generator's output. To regenerate after a deliberate change:
 *   VNGSHIFT_WRITE_EXAMPLE=1 npx vitest run test/unit/gen/example.test.ts
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { load as parse } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { exampleClusterYaml } from '../../../src/gen/example-cluster.js';
import { asObjs, byKind, isDaemonSetPod, podView } from './kube-json.js';

const clusterFile = new URL('../../../examples/cluster.yaml', import.meta.url);
const vngsFile = new URL('../../../examples/vngs.json', import.meta.url);

interface LaunchSpec {
  name: string;
  instanceTypes?: string[];
  instanceTypesFilters?: { categories: string[]; minVcpu: number; maxVcpu: number; excludeMetal: boolean };
  subnetIds: string[];
  labels: { key: string; value: string }[];
  taints: { key: string; value: string; effect: string }[];
  resourceLimits: { maxInstanceCount: number };
}

const yamlText = exampleClusterYaml();
if (process.env['VNGSHIFT_WRITE_EXAMPLE'] === '1') writeFileSync(clusterFile, yamlText);

describe('examples/', () => {
  it('cluster.yaml is exactly what the generator produces', () => {
    expect(existsSync(clusterFile)).toBe(true);
    expect(readFileSync(clusterFile, 'utf8') === yamlText).toBe(true);
  });

  const list = parse(yamlText) as { apiVersion: string; kind: string; items: unknown[] };
  const objs = asObjs(list.items);
  const pods = byKind(objs, 'Pod')
    .filter((p) => !isDaemonSetPod(p))
    .map(podView);
  const vngs = JSON.parse(readFileSync(vngsFile, 'utf8')) as { launchSpecs: LaunchSpec[]; subnetZones: Record<string, string> };

  it('holds the advertised cluster: 12 general m5 nodes over 3 zones plus a batch and a GPU node, about 250 pods', () => {
    expect(list.kind).toBe('List');
    const nodes = byKind(objs, 'Node');
    const types = nodes.map((n) => n.metadata.labels?.['node.kubernetes.io/instance-type']);
    expect(types.filter((t) => t === 'm5.xlarge' || t === 'm5.2xlarge')).toHaveLength(12);
    expect(new Set(nodes.map((n) => n.metadata.labels?.['topology.kubernetes.io/zone']))).toEqual(new Set(['us-east-1a', 'us-east-1b', 'us-east-1c']));
    expect(pods).toHaveLength(250);
  });

  it('has a GPU pod, a batch pod, a stand-alone pod, a zonal volume and a PDB with maxUnavailable 0', () => {
    expect(pods.some((p) => p.requests['nvidia.com/gpu'] === '1')).toBe(true);
    expect(pods.some((p) => p.nodeSelector['workload-class'] === 'batch')).toBe(true);
    expect(pods.some((p) => p.obj.metadata.ownerReferences === undefined)).toBe(true);
    expect(byKind(objs, 'PersistentVolume').length).toBeGreaterThan(0);
    expect(byKind(objs, 'PodDisruptionBudget').some((b) => (b.spec as { maxUnavailable?: unknown }).maxUnavailable === 0)).toBe(true);
  });

  it('vngs.json offers what the special pods need, with Spot API field names', () => {
    const byName = new Map(vngs.launchSpecs.map((s) => [s.name, s]));
    expect([...byName.keys()]).toEqual(['general-purpose', 'batch', 'gpu']);
    const general = byName.get('general-purpose');
    expect(general?.instanceTypes).toEqual(['m5.large', 'm5.xlarge', 'm5.2xlarge', 'm6i.xlarge', 'm6i.2xlarge', 'c5.2xlarge']);
    expect(general?.resourceLimits.maxInstanceCount).toBe(40);
    expect(byName.get('batch')?.instanceTypesFilters).toEqual({ categories: ['Compute_optimized'], minVcpu: 4, maxVcpu: 16, excludeMetal: true });
    for (const spec of vngs.launchSpecs) {
      expect(new Set(spec.subnetIds.map((s) => vngs.subnetZones[s]))).toEqual(new Set(['us-east-1a', 'us-east-1b', 'us-east-1c']));
    }
    // Every special pod selects labels some VNG has and tolerates that VNG's taints.
    for (const p of pods.filter((x) => Object.keys(x.nodeSelector).length > 0)) {
      const fits = vngs.launchSpecs.filter(
        (s) =>
          Object.entries(p.nodeSelector).every(([k, v]) => s.labels.some((l) => l.key === k && l.value === v)) &&
          s.taints.every((t) =>
            p.tolerations.some((tol) => tol.key === t.key && (tol.operator === 'Exists' || tol.value === t.value) && (tol.effect ?? '') === t.effect),
          ),
      );
      expect(fits.map((s) => s.name), p.obj.metadata.name).toHaveLength(1);
    }
  });
});

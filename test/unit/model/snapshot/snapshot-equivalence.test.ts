/**
 * A snapshot plans like the dump it came from: the model read back from the snapshot file is the model read from the kubectl
 * dump (but for annotations no one reads), and the plan JSON is byte for byte the same, on the bundled example, the rich
 * fixture, generated clusters and property-generated scenarios. Broken input stays broken the same way. Nothing secret
 * survives.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../../src/catalog/catalog.js';
import { generateClusterObjects } from '../../../../src/gen/cluster.js';
import type { ClusterGenSpec } from '../../../../src/gen/spec.js';
import { Prng } from '../../../../src/gen/prng.js';
import { InputError } from '../../../../src/model/errors.js';
import { clusterFromValues } from '../../../../src/model/kube/cluster.js';
import type { TopLevelValue } from '../../../../src/model/kube/envelope.js';
import { DEFAULT_PARAMS, type MigrationParams } from '../../../../src/model/params.js';
import { parseClusterSnapshot, snapshotValues, writeSnapshot } from '../../../../src/model/snapshot/format.js';
import { READ_ANNOTATIONS } from '../../../../src/model/snapshot/kept-fields.js';
import type { Cluster, Vng } from '../../../../src/model/types.js';
import { parseVngText } from '../../../../src/model/vng/parse-vngs.js';
import { parseYamlDocuments } from '../../../../src/model/yaml-input.js';
import { buildPlan } from '../../../../src/planner/plan.js';
import { launchSpecs, MIGRATE_PARAMS, mutate, mutationArb, scenarioArb, scenarioObjects } from '../../../arbitraries/cluster.js';
import { kubeList, launchSpecsText } from '../../../helpers/kube-objects.js';
import { richClusterList, SECRET_MARKERS } from './rich-cluster.js';

const catalog = loadCatalog();
const exampleVngs = parseVngText(readFileSync('examples/vngs.json', 'utf8'), 'vngs.json', catalog).vngs;

/** The snapshot file's text for decoded dump values. */
function snapshotText(values: readonly TopLevelValue[]): string {
  let text = '';
  const kept = snapshotValues(values, 'dump').map((v) => v.value as Record<string, unknown>);
  writeSnapshot(kept, { source: 'test' }, (chunk) => (text += chunk), { chunkLines: 7 });
  return text;
}

const one = (value: unknown): TopLevelValue[] => [{ value, where: '' }];

/** The dump's model as a snapshot can hold it: annotations no one reads left out, no skipped kinds. */
function withoutUnreadAnnotations(c: Cluster): Cluster {
  const keep = (a: Readonly<Record<string, string>>): Record<string, string> => Object.fromEntries(Object.entries(a).filter(([k]) => READ_ANNOTATIONS.includes(k)));
  const { skippedKinds: _skipped, ...rest } = c;
  return { ...rest, nodes: c.nodes.map((n) => ({ ...n, annotations: keep(n.annotations) })), pods: c.pods.map((p) => ({ ...p, annotations: keep(p.annotations) })) };
}

function planJson(cluster: Cluster, vngs: readonly Vng[], params: MigrationParams): string {
  return JSON.stringify(buildPlan({ cluster, vngs, catalog, params, sources: { cluster: 'cluster', vngs: 'vngs' } }), null, 2);
}

/** Model and plan from the dump and from its snapshot, compared. */
function expectSamePlan(dump: unknown, vngs: readonly Vng[], params: MigrationParams): void {
  const fromDump = clusterFromValues(one(dump), 'dump');
  const fromSnapshot = parseClusterSnapshot(Buffer.from(snapshotText(one(dump))), 'snapshot');
  expect(fromSnapshot).toEqual(withoutUnreadAnnotations(fromDump));
  expect(planJson(fromSnapshot, vngs, params)).toBe(planJson(fromDump, vngs, params));
}

const SPECIAL_POOLS: ClusterGenSpec = {
  nodes: 24,
  pods: 500,
  pendingPods: 3,
  nodeTypes: [
    { instanceType: 'm5.xlarge', weight: 10 },
    { instanceType: 'm5.2xlarge', weight: 10 },
    { instanceType: 'c5.2xlarge', weight: 3, labels: { 'workload-class': 'batch' }, taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }] },
    { instanceType: 'g5.xlarge', weight: 2, labels: { accelerator: 'nvidia' }, taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }] },
  ],
  blockingPdbs: 1,
  safeToEvictFalse: 2,
};

describe('a snapshot plans like its dump', () => {
  it('on the bundled example (byte-identical plan JSON)', () => {
    const docs = parseYamlDocuments(readFileSync('examples/cluster.yaml', 'utf8'), 'examples/cluster.yaml');
    expect(docs).toHaveLength(1);
    expectSamePlan(docs[0], exampleVngs, DEFAULT_PARAMS);
  });

  it('on the rich fixture (every field the parser reads)', () => {
    expectSamePlan(richClusterList(), exampleVngs, DEFAULT_PARAMS);
  });

  it.each([1, 2, 3])('on a generated cluster (seed %i)', (seed) => {
    expectSamePlan(kubeList(generateClusterObjects(SPECIAL_POOLS, new Prng(seed))), exampleVngs, DEFAULT_PARAMS);
  });

  it('on property-generated scenarios', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const vngs = parseVngText(launchSpecsText(launchSpecs(s)), 'vngs.json', catalog).vngs;
        expectSamePlan(kubeList(scenarioObjects(s, catalog)), vngs, MIGRATE_PARAMS);
      }),
      { numRuns: 25, seed: 12 },
    );
  });
});

/** What parsing gives: the model, or the error's message. */
function outcome(parse: () => Cluster): { cluster: Cluster } | { error: string } {
  try {
    return { cluster: parse() };
  } catch (e) {
    if (e instanceof InputError) return { error: e.message };
    throw e;
  }
}

describe('broken input stays broken the same way', () => {
  it('a dump the parser refuses gives a snapshot it refuses with the same message (or the broken field was an unread annotation)', () => {
    const base = kubeList([...(richClusterList() as { items: unknown[] }).items]);
    const seen = { same: 0, sameError: 0, annotation: 0 };
    fc.assert(
      fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (mutations) => {
        const structural = mutations.filter((m) => m.op === 'delete' || m.op === 'replace');
        const dump = JSON.parse(mutate(base, structural, false)) as unknown;
        const fromDump = outcome(() => clusterFromValues(one(dump), 'f'));
        const fromSnapshot = outcome(() => clusterFromValues(snapshotValues(one(dump), 'f'), 'f'));
        if ('cluster' in fromDump) {
          expect(fromSnapshot).toEqual({ cluster: withoutUnreadAnnotations(fromDump.cluster) });
          seen.same++;
        } else if ('cluster' in fromSnapshot) {
          expect(fromDump.error).toMatch(/metadata\.annotations/);
          seen.annotation++;
        } else {
          expect(fromSnapshot.error).toBe(fromDump.error);
          seen.sameError++;
        }
      }),
      { numRuns: 300, seed: 5 },
    );
    // Both ways were exercised: inputs that still parse, and inputs refused alike.
    expect(seen.same).toBeGreaterThan(20);
    expect(seen.sameError).toBeGreaterThan(20);
  });
});

describe('what a snapshot leaves out', () => {
  const text = snapshotText(one(richClusterList()));

  it('no Secret, ConfigMap, env value, image, command, managedFields or unread annotation', () => {
    for (const marker of SECRET_MARKERS) expect(text, marker).not.toContain(marker);
    for (const word of ['"Secret"', '"ConfigMap"', '"Service"', 'managedFields', '"env"', '"envFrom"', '"image"', '"command"', 'last-applied', 'prometheus.io', 'creationTimestamp', 'resourceVersion"']) {
      expect(text, word).not.toContain(word);
    }
  });

  it('keeps the annotations the program reads', () => {
    for (const key of ['karpenter.sh/do-not-disrupt', 'cluster-autoscaler.kubernetes.io/safe-to-evict', 'kubernetes.io/config.mirror', 'vngshift.io/vng']) expect(text).toContain(key);
  });
});

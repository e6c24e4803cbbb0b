/**
 * podLike (a pod made from another's parsed fields, as a snapshot's pods of one set of shared fields are read) against
 * parsePodAlone of the same object: every pod of the rich fixture, of generated clusters and of property-generated
 * scenarios, made again under another name, with and without a uid and a node.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../../src/catalog/catalog.js';
import { generateClusterObjects } from '../../../../src/gen/cluster.js';
import { Prng } from '../../../../src/gen/prng.js';
import { unwrapObjects } from '../../../../src/model/kube/envelope.js';
import { viewOf } from '../../../../src/model/kube/metadata.js';
import { parsePodAlone, podLike } from '../../../../src/model/kube/pod.js';
import { scenarioArb, scenarioObjects } from '../../../arbitraries/cluster.js';
import { kubeList } from '../../../helpers/kube-objects.js';
import { richClusterList } from '../snapshot/rich-cluster.js';

type Obj = Record<string, unknown>;

const catalog = loadCatalog();

/** The pods of decoded objects (Lists flattened), those whose fields do not derive from their name (no ephemeral volume). */
function podsOf(value: unknown): Obj[] {
  return unwrapObjects([{ value, where: '' }], 'f')
    .filter((o) => o.kind === 'Pod' && !JSON.stringify((o.body['spec'] as Obj | undefined)?.['volumes'] ?? []).includes('"ephemeral"'))
    .map((o) => o.body);
}

const parse = (pod: Obj): ReturnType<typeof parsePodAlone> => {
  const [object] = unwrapObjects([{ value: pod, where: '' }], 'f');
  if (object === undefined) throw new Error('no object');
  return parsePodAlone(viewOf(object, 'f'));
};

/** The pod's object under another name, uid and node (undefined: left out). */
function variant(pod: Obj, name: string, uid: string | undefined, nodeName: string | undefined): Obj {
  const copy = structuredClone(pod);
  const metadata = copy['metadata'] as Obj;
  metadata['name'] = name;
  if (uid === undefined) delete metadata['uid'];
  else metadata['uid'] = uid;
  const spec = (copy['spec'] ?? (copy['spec'] = {})) as Obj;
  if (nodeName === undefined) delete spec['nodeName'];
  else spec['nodeName'] = nodeName;
  return copy;
}

const UIDS = [undefined, '', 'uid-7'] as const;
const NODES = [undefined, '', 'ip-10-0-9-9.ec2.internal'] as const;

function expectLikeParsed(pods: readonly Obj[]): void {
  for (const pod of pods) {
    const base = parse(pod);
    for (const uid of UIDS) {
      for (const node of NODES) {
        const other = variant(pod, 'another-pod-1', uid, node);
        expect(podLike(base, 'another-pod-1', uid ?? null, node ?? null)).toEqual(parse(other));
        // Volumes of its own (a service account token's): as the parser reads them.
        const withToken = { ...other, spec: { ...(other['spec'] as Obj), volumes: [{ name: 'kube-api-access-9z' }] } };
        expect(podLike(base, 'another-pod-1', uid ?? null, node ?? null, [{ name: 'kube-api-access-9z', kind: 'other' }])).toEqual(parse(withToken));
      }
    }
  }
}

describe('podLike', () => {
  it('is parsePodAlone of the pod under another name, uid and node: the rich fixture', () => {
    const pods = podsOf(richClusterList());
    expect(pods.length).toBeGreaterThan(2);
    expectLikeParsed(pods);
    // The same pods with a grace period and a priority of their own (the fixtures' are the defaults).
    expectLikeParsed(pods.map((p) => ({ ...p, spec: { ...(p['spec'] as Obj), terminationGracePeriodSeconds: 5, priority: 7 } })));
  });

  it('on generated clusters (DaemonSet, StatefulSet, Job and bare pods, mirror pods, pending pods)', () => {
    for (const seed of [1, 2]) expectLikeParsed(podsOf(kubeList(generateClusterObjects({ nodes: 6, pods: 120, pendingPods: 3, blockingPdbs: 1, safeToEvictFalse: 2 }, new Prng(seed)))));
  });

  it('on property-generated scenarios', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        expectLikeParsed(podsOf(kubeList(scenarioObjects(s, catalog))).slice(0, 20));
      }),
      { numRuns: 20, seed: 5 },
    );
  });
});

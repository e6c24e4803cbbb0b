import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Pod, PodScheduling } from '../../src/model/types.js';
import { buildPodClasses, classKey, VolumeResolver } from '../../src/planner/pod-classes.js';
import { TermIndex } from '../../src/planner/terms.js';

const EMPTY_CLUSTER = { nodes: [], pods: [], pdbs: [], daemonSets: [], workloads: [], pvcs: [], pvs: [], namespaces: [], storageClasses: [] };

/** The first value most of the time, else one of the others: consecutive pods are often equal, or differ in one field. */
function mostly<T>(first: T, ...others: T[]): fc.Arbitrary<T> {
  return fc.oneof({ weight: 6, arbitrary: fc.constant(first) }, { weight: 1, arbitrary: fc.constantFrom(...others) });
}

/** Fields drawn from few values, each in a fresh object, so pods are often equal without sharing objects. */
const podArb: fc.Arbitrary<Pod> = fc
  .record({
    namespace: mostly('a', 'b'),
    labels: mostly<Record<string, string>>({ app: 'x', tier: 'web' }, {}, { app: 'y' }, { tier: 'web', app: 'x' }, { app: 'x' }),
    requests: mostly<Record<string, number>>({ cpu: 100, memory: 64, pods: 1 }, { memory: 64, cpu: 100, pods: 1 }, { cpu: 200, memory: 64, pods: 1 }),
    nodeSelector: mostly<Record<string, string>>({}, { pool: 'p' }),
    nodeAffinity: mostly<'null' | 'empty' | 'zone'>('null', 'empty', 'zone'),
    tolerations: mostly(0, 1, 2, 3),
    hostPort: mostly(false, true),
    anti: mostly(false, true),
    affinity: mostly(false, true),
    spread: mostly(false, true),
    claims: mostly<string[]>(['data'], [], ['logs'], ['data', 'logs']),
    otherVolume: mostly(false, true),
    priority: mostly(0, 5),
  })
  .map((o) => {
    const term = () => ({ labelSelector: { matchLabels: { app: 'x' }, matchExpressions: [] }, namespaces: [], namespaceSelector: null, topologyKey: 'kubernetes.io/hostname' });
    const spec: PodScheduling = {
      requests: { ...o.requests },
      nodeSelector: { ...o.nodeSelector },
      requiredNodeAffinity:
        o.nodeAffinity === 'null'
          ? null
          : o.nodeAffinity === 'empty'
            ? []
            : [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['z1'] }], matchFields: [] }],
      tolerations: (
        [
          [
            { key: 'k', operator: 'Exists', value: '', effect: 'NoExecute' },
            { key: 'dedicated', operator: 'Equal', value: 'true', effect: 'NoSchedule' },
          ],
          [],
          [
            { key: 'k', operator: 'Exists', value: '', effect: 'NoSchedule' },
            { key: 'dedicated', operator: 'Equal', value: 'true', effect: 'NoSchedule' },
          ],
          [
            { key: 'k', operator: 'Equal', value: '', effect: 'NoExecute' },
            { key: 'dedicated', operator: 'Equal', value: 'false', effect: 'NoSchedule' },
          ],
        ] as const
      )[o.tolerations] as PodScheduling['tolerations'],
      hostPorts: o.hostPort ? [{ port: 80, protocol: 'TCP', hostIP: '' }] : [],
      podAffinity: o.affinity ? [term()] : [],
      podAntiAffinity: o.anti ? [term()] : [],
      topologySpread: o.spread
        ? [
            {
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'DoNotSchedule',
              labelSelector: { matchLabels: { app: 'x' }, matchExpressions: [] },
              minDomains: null,
              nodeAffinityPolicy: 'Honor',
              nodeTaintsPolicy: 'Ignore',
              matchLabelKeys: [],
            },
          ]
        : [],
      volumes: [
        ...(o.otherVolume ? [{ name: 'tmp', kind: 'emptyDir' as const, medium: '' }] : []),
        ...o.claims.map((c) => ({ name: c, kind: 'pvc' as const, claimName: c })),
      ],
      priority: o.priority,
      terminationGracePeriodSeconds: 30,
    };
    return {
      ...spec,
      uid: '',
      namespace: o.namespace,
      name: '',
      labels: { ...o.labels },
      annotations: {},
      nodeName: null,
      phase: 'Pending' as const,
      owner: null,
      workload: null,
      isMirror: false,
      ready: false,
    };
  });

describe('property: pod classes', () => {
  it('are exactly the groups of pods with equal class keys, in order of first member', () => {
    fc.assert(
      fc.property(
        fc.array(podArb, { minLength: 1, maxLength: 40 }),
        fc.array(mostly<readonly string[] | null>(null, ['amd64'], ['amd64', 'arm64']), { minLength: 40, maxLength: 40 }),
        (pods, archs) => {
          const classes = buildPodClasses(pods, archs, new TermIndex(() => ({})), new VolumeResolver(EMPTY_CLUSTER), 0, true);
          const byKey = new Map<string, number[]>();
          pods.forEach((p, i) => {
            const k = classKey(p.namespace, p.labels, p, archs[i] ?? null);
            const list = byKey.get(k);
            if (list) list.push(i);
            else byKey.set(k, [i]);
          });
          expect(classes.map((c) => c.members)).toEqual([...byKey.values()]);
          for (const c of classes) expect(c.spec).toBe(pods[c.members[0] as number]);
        },
      ),
      { numRuns: 500 },
    );
  });
});

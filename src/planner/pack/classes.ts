/**
 * Packing phase 1, the pod classes: moving pods (all their terms), pods that stay on staying nodes (their anti-affinity
 * still counts) and DaemonSet pods (one per new node their node predicates admit), with the terms each class's labels match.
 */
import type { Labels, Node, Pod } from '../../model/types.js';
import { buildClasses, buildPodClasses, resolveMatches, VolumeResolver, type PodClass } from '../pod-classes.js';
import { TermIndex } from '../terms.js';
import type { SolveInput } from './types.js';

export interface PackClasses {
  readonly terms: TermIndex;
  readonly movingClasses: readonly PodClass[];
  /** The nodes not being migrated, and the pods that run there (not finished). */
  readonly stayingNodes: readonly Node[];
  readonly stayingPods: readonly Pod[];
  /** Classes of the staying pods; members index into `stayingPods`. */
  readonly stayingClasses: readonly PodClass[];
  readonly daemonClasses: readonly PodClass[];
  /** The DaemonSet of each DaemonSet class, as namespace/name. */
  readonly daemonNameOf: ReadonlyMap<PodClass, string>;
}

export function packClasses(input: SolveInput): PackClasses {
  const { cluster } = input;
  const nsLabels = new Map<string, Labels>(cluster.namespaces.map((n) => [n.name, n.labels]));
  const terms = new TermIndex((ns) => nsLabels.get(ns) ?? { 'kubernetes.io/metadata.name': ns });
  const volumes = new VolumeResolver(cluster);

  // Classes: moving pods (all terms), pods that stay on staying nodes (their anti-affinity), DaemonSet pods on new nodes.
  const movingClasses = buildPodClasses(input.movingPods, input.podArchitectures, terms, volumes, 0, true, input.knownClassKey);
  const stayingNodes = cluster.nodes.filter((n) => !input.migratingNodes.has(n.name));
  const stayingNodeNames = new Set(stayingNodes.map((n) => n.name));
  const stayingPods =
    stayingNodeNames.size === 0
      ? []
      : cluster.pods.filter((p) => p.nodeName !== null && stayingNodeNames.has(p.nodeName) && p.phase !== 'Succeeded' && p.phase !== 'Failed');
  const stayingClasses = buildPodClasses(stayingPods, undefined, terms, volumes, movingClasses.length, false, input.knownClassKey);
  // One class per DaemonSet, never shared: two DaemonSets with identical pod templates each run a pod on every node.
  const daemonClasses: PodClass[] = [];
  const daemonNameOf = new Map<PodClass, string>();
  for (const d of cluster.daemonSets) {
    const firstId = movingClasses.length + stayingClasses.length + daemonClasses.length;
    for (const cls of buildClasses([{ namespace: d.namespace, labels: d.template.labels, spec: d.template }], terms, volumes, firstId, false)) {
      daemonClasses.push(cls);
      daemonNameOf.set(cls, `${d.namespace}/${d.name}`);
    }
  }
  resolveMatches([...movingClasses, ...stayingClasses, ...daemonClasses], terms);
  return { terms, movingClasses, stayingNodes, stayingPods, stayingClasses, daemonClasses, daemonNameOf };
}

/**
 * The class key (PodClass.key) of each moving and staying pod these classes hold, by pod: a later step that classes the same
 * pods (the expected fleet and its scale-ups) takes these strings instead of building equal ones, so that maps keyed by
 * class key, here and in the caches kept across solves, find a key by identity rather than by comparing its characters.
 */
export function classKeysOf(classes: PackClasses, movingPods: readonly Pod[]): Map<Pod, string> {
  const out = new Map<Pod, string>();
  const add = (list: readonly PodClass[], pods: readonly Pod[]): void => {
    for (const cls of list) {
      if (cls.key === undefined) continue;
      for (const i of cls.members) {
        const p = pods[i];
        if (p !== undefined) out.set(p, cls.key);
      }
    }
  };
  add(classes.movingClasses, movingPods);
  add(classes.stayingClasses, classes.stayingPods);
  return out;
}

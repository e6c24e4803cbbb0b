/**
 * What stays behind on the old nodes: pods that ask not to be disrupted (the parameters honouring them) and stand-alone pods
 * that are not evicted, and the old nodes they keep. The engine decides the same way (drain() skips these pods, terminate()
 * keeps a node that still runs one), through the same predicate (model/kube/disruption-opt-out.ts).
 */
import { optOutText, type DisruptionOptOut } from '../model/kube/disruption-opt-out.js';
import type { MigrationParams } from '../model/params.js';
import type { Pod } from '../model/types.js';

export interface KeptPod {
  readonly namespace: string;
  readonly name: string;
  /** The old node it stays on. */
  readonly node: string;
  /** Why it stays, e.g. `annotation karpenter.sh/do-not-disrupt: "true"`. */
  readonly reason: string;
}

export interface KeptNode {
  readonly name: string;
  /** One per pod that keeps it: `Pod ns/name: <why the pod stays>`. */
  readonly reasons: string[];
}

export const STAND_ALONE_REASON = 'no controller (shouldEvictStandAlonePods is false)';

/**
 * The pods that stay on old nodes and the old nodes that stay because of them, sorted (pods by namespace/name, nodes by
 * name). `optedOut` are pods whose opt-out is honoured; `standAlone` pods without a controller that do not opt out.
 */
export function keptOf(
  optedOut: readonly { readonly pod: Pod; readonly key: DisruptionOptOut }[],
  standAlone: readonly Pod[],
  params: Pick<MigrationParams, 'shouldEvictStandAlonePods'>,
): { keptPods: KeptPod[]; keptNodes: KeptNode[] } {
  const keptPods: KeptPod[] = [];
  for (const { pod, key } of optedOut) {
    if (pod.nodeName !== null) keptPods.push({ namespace: pod.namespace, name: pod.name, node: pod.nodeName, reason: optOutText(key) });
  }
  if (!params.shouldEvictStandAlonePods) {
    for (const pod of standAlone) {
      if (pod.nodeName !== null) keptPods.push({ namespace: pod.namespace, name: pod.name, node: pod.nodeName, reason: STAND_ALONE_REASON });
    }
  }
  const ref = (p: KeptPod): string => `${p.namespace}/${p.name}`;
  keptPods.sort((a, b) => cmp(ref(a), ref(b)));
  const byNode = new Map<string, string[]>();
  for (const p of keptPods) {
    const reason = `Pod ${ref(p)}: ${p.reason}`;
    const list = byNode.get(p.node);
    if (list) list.push(reason);
    else byNode.set(p.node, [reason]);
  }
  const keptNodes = [...byNode.entries()].sort((a, b) => cmp(a[0], b[0])).map(([name, reasons]) => ({ name, reasons }));
  return { keptPods, keptNodes };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

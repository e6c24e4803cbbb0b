/**
 * The planner's class keys (src/planner/pod-classes.ts classKey) of the pods the autoscaler hands solve() at every pass,
 * worked out once per pod rather than once per pass: a model Pod of the world's modelPod() takes the key of its pod (every
 * model of a pod shares the base's scheduling fields, the only ones the key reads), any other pod (a booting node's
 * DaemonSet pods, made once per instance) its own. The strings are those classKey gives, so solve() groups the pods as it
 * would without them (KnownClassKey).
 */
import type { Pod } from '../src/model/types.js';
import { classKey } from '../src/planner/pod-classes.js';
import type { SimPod } from './world/types.js';

export class ClassKeys {
  private readonly others = new WeakMap<Pod, string>();

  constructor(private readonly podOfModel: (m: Pod) => SimPod | undefined) {}

  /** The class key of a pod, without architectures (a KnownClassKey). */
  readonly of = (pod: Pod): string => {
    const p = this.podOfModel(pod);
    if (p !== undefined) return (p.classKey ??= classKey(p.base.namespace, p.base.labels, p.base));
    let k = this.others.get(pod);
    if (k === undefined) this.others.set(pod, (k = classKey(pod.namespace, pod.labels, pod)));
    return k;
  };
}

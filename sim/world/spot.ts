/**
 * Spot reality: EC2's two signals about a Spot instance, and what the cluster does with each. Every node a VNG launches in
 * the run is taken to be Spot (Ocean's default; the model has no on-demand share per VNG); nodes of the input cluster are
 * the migration's and are never aimed at.
 *
 * The seed document and the design notes say nothing about interruptions, so the model rests on these public pages:
 * - EC2 User Guide, "Spot Instance interruption notices": EC2 warns two minutes before it reclaims a Spot instance; at the
 *   deadline the instance is stopped or terminated whatever runs on it.
 * - EC2 User Guide, "EC2 instance rebalance recommendations": an earlier, softer signal that the instance is at elevated risk,
 *   the chance to replace it before any notice (it may also come with the notice, or not at all).
 * - AWS Node Termination Handler (README): on a notice it cordons the node and drains it through the Kubernetes API (the
 *   kubectl drain library: the Eviction API, so PodDisruptionBudgets are respected and a refused eviction is retried every 5 s).
 * - Spot docs, "Scaling (Kubernetes)", scale-down behaviour, which is how Ocean drains any node it takes away: the node is
 *   cordoned, its pods' evictions are spread over 120 s, a refused eviction is retried and the pod deleted if it is still
 *   refused after a minute, and the instance is terminated when the node is drained or when the draining timeout (default
 *   300 s) runs out, with whatever is left on it.
 * - Spot docs, "Market Scoring and Managing Interruptions" (Elastigroup): when a Spot market is at risk, a new instance is
 *   launched first, then the old one is drained and terminated.
 *
 * So, here:
 * - `spot-interruption`: at T the notice is traced (spot.interruption-notice, terminationAt T+120), the node is cordoned and
 *   every pod but DaemonSet and mirror pods is evicted at once through the Eviction API (PDBs respected, refusals retried every
 *   5 s, nothing forced: NTH's drain); at T+120 EC2 terminates the instance, and the pods still bound to the Node go with it
 *   (reason spot-interruption). Their controllers recreate them; the autoscaler launches capacity for those left Pending.
 * - `rebalance-recommendation`: Ocean launches a replacement of the same type in the same zone and VNG (the simulator has
 *   no Spot market to choose another from; none when the VNG is at its maxInstanceCount or the launch meets
 *   InsufficientInstanceCapacity), waits until it is Ready (at most 10 minutes: our bound), then drains the node as above
 *   with Ocean's own drain (evictions spread over 120 s, deletion after a minute of refusals) and terminates the instance
 *   once drained or after the 300 s draining timeout (reason spot-rebalance).
 *
 * The trace says who did what: node.updated and instance.shutting-down carry `by`, pod terminations their reason, so the
 * invariant checkers tell the cloud's doing from the migration's. Which nodes are hit is drawn with the world's own fork of
 * the seeded PRNG, among the running launched nodes in name order.
 */
import type { Prng } from '../../src/gen/prng.js';
import type { Vng } from '../../src/model/types.js';
import type { SimInstance } from '../ec2.js';
import type { EventQueue } from '../event-queue.js';
import type { ApiStore } from './api-store.js';
import { cmp, type EvictionAnswer, type SimNode, type SimPod } from './types.js';

/** EC2's notice: the instance is reclaimed two minutes after it. */
export const INTERRUPTION_NOTICE_SECONDS = 120;
/** kubectl drain (which NTH uses) retries an eviction a PodDisruptionBudget refused after 5 s. */
export const DRAIN_RETRY_SECONDS = 5;
/** Ocean spreads a node's evictions over 120 s. */
export const OCEAN_EVICTION_SPREAD_SECONDS = 120;
/** Ocean deletes a pod whose eviction is still refused a minute after the first refusal. */
export const OCEAN_FORCE_AFTER_SECONDS = 60;
/** Ocean's default drainingTimeout: the instance is terminated this long after the drain started, drained or not. */
export const OCEAN_DRAINING_TIMEOUT_SECONDS = 300;
/** How long Ocean waits for a rebalance replacement to be Ready before draining anyway (our bound: no source states one). */
export const REPLACEMENT_WAIT_SECONDS = 600;

/** Reasons traced on the pods (pod.terminating / pod.terminated) and as `by` on the node and the instance. */
export const SPOT_INTERRUPTION = 'spot-interruption';
export const SPOT_REBALANCE = 'spot-rebalance';

/** What the Spot part needs of the other parts of the world. */
export interface SpotDeps {
  readonly store: ApiStore;
  readonly queue: EventQueue;
  /** The world's fork for Spot draws. */
  readonly prng: Prng;
  readonly vngs: readonly Vng[];
  readonly instance: (id: string) => SimInstance | undefined;
  readonly instances: () => readonly SimInstance[];
  readonly setUnschedulable: (name: string, value: boolean, by: string) => boolean;
  readonly evict: (namespace: string, name: string, reason: string) => EvictionAnswer;
  readonly deletePod: (pod: SimPod, reason: string) => void;
  readonly nextNodeName: () => string;
  readonly launch: (vng: Vng, instanceType: string, zone: string, nodeName: string) => SimInstance;
  readonly terminateInstance: (id: string, by: string) => void;
  readonly noCapacity: (instanceType: string, zone: string, now: number) => boolean;
}

interface DrainOptions {
  readonly reason: string;
  /** Evictions of the pods on the node at the start are spread over this long (0: all at once). */
  readonly spreadSeconds: number;
  /** A pod still refused this long after its first refusal is deleted (null: never). */
  readonly forceAfterSeconds: number | null;
  /** The drain gives up at this time. */
  readonly until: number;
  /** Called once, when the node is drained or `until` is reached (not when the node or its instance went first). */
  readonly done?: () => void;
}

export class SpotReality {
  /** Nodes that got an interruption notice / a rebalance recommendation. */
  private readonly noticed = new Set<string>();
  private readonly recommended = new Set<string>();

  constructor(private readonly deps: SpotDeps) {}

  /** The interruption notice for `count` nodes (the named one, else drawn among the running new nodes of `vng` or any). */
  interrupt(node: string | null, vng: string | null, count: number): void {
    const targets = this.targets('spot-interruption', node, vng, count, this.noticed);
    for (const n of targets) this.notice(n);
  }

  /** A rebalance recommendation for one node (the named one, else drawn as for an interruption). */
  recommendRebalance(node: string | null, vng: string | null): void {
    const [target] = this.targets('rebalance-recommendation', node, vng, 1, new Set([...this.recommended, ...this.noticed]));
    if (target) this.rebalance(target);
  }

  private running(n: SimNode): SimInstance | null {
    if (n.old || n.instanceId === null || this.deps.store.nodes.get(n.name) !== n) return null;
    const inst = this.deps.instance(n.instanceId);
    return inst && inst.state === 'running' ? inst : null;
  }

  private targets(fault: string, named: string | null, vng: string | null, count: number, taken: ReadonlySet<string>): SimNode[] {
    const { store } = this.deps;
    const none = (reason: string): SimNode[] => {
      store.emit('spot.no-target', 'Fault', { fault, reason });
      return [];
    };
    if (named !== null) {
      const n = store.nodes.get(named);
      if (!n) return none(`no node ${named}`);
      if (n.old) return none(`${named} is a node of the input cluster, not one a VNG launched`);
      if (!this.running(n)) return none(`the instance of ${named} is not running`);
      if (taken.has(named)) return none(`${named} already got this signal`);
      return [n];
    }
    const pool = [...store.nodes.values()]
      .filter((n) => (vng === null || n.vng === vng) && !taken.has(n.name) && this.running(n) !== null)
      .sort((a, b) => cmp(a.name, b.name));
    if (pool.length === 0) return none(`no running new node${vng === null ? '' : ` of VNG ${vng}`}`);
    const out: SimNode[] = [];
    while (out.length < count && pool.length > 0) out.push(...pool.splice(this.deps.prng.int(0, pool.length - 1), 1));
    return out.sort((a, b) => cmp(a.name, b.name));
  }

  private notice(node: SimNode): void {
    const { store, queue } = this.deps;
    const inst = this.running(node);
    if (!inst) return;
    this.noticed.add(node.name);
    const deadline = queue.now + INTERRUPTION_NOTICE_SECONDS;
    store.emit('spot.interruption-notice', `Node ${node.name}`, { instanceId: inst.id, vng: node.vng, terminationAt: deadline });
    this.drain(node, { reason: SPOT_INTERRUPTION, spreadSeconds: 0, forceAfterSeconds: null, until: deadline });
    queue.at(deadline, 'spot reclaim', () => this.deps.terminateInstance(inst.id, SPOT_INTERRUPTION));
  }

  private rebalance(node: SimNode): void {
    const { store, queue } = this.deps;
    const inst = this.running(node);
    if (!inst) return;
    this.recommended.add(node.name);
    const since = queue.now;
    store.emit('spot.rebalance-recommendation', `Node ${node.name}`, { instanceId: inst.id, vng: node.vng });
    const replacement = this.launchReplacement(node, inst);
    const drain = (): void => {
      if (!this.running(node)) return;
      this.drain(node, {
        reason: SPOT_REBALANCE,
        spreadSeconds: OCEAN_EVICTION_SPREAD_SECONDS,
        forceAfterSeconds: OCEAN_FORCE_AFTER_SECONDS,
        until: queue.now + OCEAN_DRAINING_TIMEOUT_SECONDS,
        done: () => this.deps.terminateInstance(inst.id, SPOT_REBALANCE),
      });
    };
    if (replacement === null) {
      drain();
      return;
    }
    const wait = (): void => {
      const n = store.nodes.get(replacement.nodeName);
      const up = n !== undefined && n.ready && n.instanceId === replacement.id;
      const lost = replacement.state === 'shutting-down' || replacement.state === 'terminated';
      if (up || lost || queue.now - since >= REPLACEMENT_WAIT_SECONDS) drain();
      else queue.after(DRAIN_RETRY_SECONDS, 'rebalance replacement', wait);
    };
    queue.after(DRAIN_RETRY_SECONDS, 'rebalance replacement', wait);
  }

  /** Ocean's replacement for a node at risk, or null (traced either way). */
  private launchReplacement(node: SimNode, inst: SimInstance): SimInstance | null {
    const { store, queue } = this.deps;
    const fail = (reason: string): null => {
      store.emit('spot.replacement-failed', `Node ${node.name}`, { reason });
      return null;
    };
    const vng = this.deps.vngs.find((v) => v.name === node.vng);
    if (!vng || inst.instanceType === null || inst.zone === null) return fail('the node has no VNG, type or zone to launch again');
    if (vng.maxInstanceCount !== null) {
      const live = this.deps.instances().filter((i) => !i.old && i.vng === vng.name && (i.state === 'pending' || i.state === 'running')).length;
      if (live >= vng.maxInstanceCount) return fail(`VNG ${vng.name} is at its maxInstanceCount (${vng.maxInstanceCount})`);
    }
    if (this.deps.noCapacity(inst.instanceType, inst.zone, queue.now)) return fail(`InsufficientInstanceCapacity: ${inst.instanceType} in ${inst.zone}`);
    const launched = this.deps.launch(vng, inst.instanceType, inst.zone, this.deps.nextNodeName());
    store.emit('spot.replacement', `Node ${node.name}`, { replacement: launched.nodeName, instanceId: launched.id });
    return launched;
  }

  /** Pods a drain must move: not DaemonSet, not mirror, not finished. */
  private workloadPods(node: string): SimPod[] {
    return this.deps.store.pods.podsOn(node).filter((p) => !p.isDaemonSet && !p.isMirror && p.phase !== 'Succeeded' && p.phase !== 'Failed');
  }

  /**
   * Cordons the node and evicts its pods in rounds every DRAIN_RETRY_SECONDS until it is drained or `until`; stops quietly if
   * the node or its instance goes first.
   */
  private drain(node: SimNode, o: DrainOptions): void {
    const { store, queue } = this.deps;
    const start = queue.now;
    this.deps.setUnschedulable(node.name, true, o.reason);
    store.emit('spot.drain-started', `Node ${node.name}`, { reason: o.reason, until: o.until });
    const first = this.workloadPods(node.name).filter((p) => !p.terminating);
    const notBefore = new Map<SimPod, number>();
    first.forEach((p, i) => notBefore.set(p, start + (first.length > 0 ? (i * o.spreadSeconds) / first.length : 0)));
    const refusedSince = new Map<SimPod, number>();
    const round = (): void => {
      if (!this.running(node)) return;
      const now = queue.now;
      const left = this.workloadPods(node.name);
      if (left.length === 0 || now >= o.until) {
        o.done?.();
        return;
      }
      for (const p of left) {
        if (p.terminating || (notBefore.get(p) ?? now) > now) continue;
        const answer = this.deps.evict(p.namespace, p.name, o.reason);
        if (answer.kind !== 'blocked-by-pdb') continue;
        const since = refusedSince.get(p) ?? now;
        refusedSince.set(p, since);
        if (o.forceAfterSeconds !== null && now - since >= o.forceAfterSeconds) {
          store.emit('spot.pod-forced', `Pod ${p.key}`, { node: node.name, refusedSeconds: now - since });
          this.deps.deletePod(p, o.reason);
        }
      }
      queue.after(Math.min(DRAIN_RETRY_SECONDS, Math.max(0, o.until - now)), 'spot drain', round);
    };
    round();
  }
}

/**
 * Two replays of a plan through the simulated world's own kube-scheduler (sim/scheduler). simReplay runs it on its own
 * (scheduleOne, its own tie-breaks); guidedReplay (below) follows kube-scheduler's bindings and checks each decision.
 *
 * simReplay: step for step as the
 * control plane replay runs it (differential-case.ts replaySteps): the same nodes (the Node objects the control plane gets,
 * read into the model), the staying nodes' pods bound first, then per step the new nodes or the moving pods, unbound.
 *
 * The queue is kube-scheduler's as far as it matters here: a pod that fails goes to the back (its queue timestamp is the
 * time it failed), new pods are tried in their queue order before the pods already waiting, and after every step the
 * waiting pods are tried again, in order, until a pass binds nothing (kube-scheduler retries them on the events that may
 * help: a node added, a pod bound). Ties between equally scored nodes are broken with a PRNG of the world's seed.
 */
import { Prng } from '../../../src/gen/prng.js';
import type { Node, Pod } from '../../../src/model/types.js';
import { runFilters, runPreFilters, schedule, scoreNodes, type NodeScore } from '../../../sim/scheduler/framework.js';
import { scheduleOne } from '../../../sim/scheduler/schedule-one.js';
import type { FilterResult, NodeState, SchedPod, Snapshot } from '../../../sim/scheduler/types.js';
import { podKey, type ReplayStep } from './differential-case.js';
import { phrasesNow } from './reason-phrases.js';

/** Where a pod ended: the node it is bound to, or the last message it was refused with. */
export interface PodOutcome {
  readonly node: string | null;
  readonly message: string | null;
}

export interface SimReplayInput {
  /** Live node name -> model node, for every node the replay creates (staying nodes and new ones). */
  readonly nodes: ReadonlyMap<string, Node>;
  /** Plan node name -> live node name (new nodes). */
  readonly liveNameOfNew: ReadonlyMap<string, string>;
  /** Live names of the staying nodes, created first, in this order. */
  readonly stayingNodes: readonly string[];
  /** The staying nodes' pods, with the live node each is bound to. */
  readonly stayingPods: readonly { readonly pod: Pod; readonly node: string }[];
  /** The moving pods of the input by namespace/name. */
  readonly podsByKey: ReadonlyMap<string, Pod>;
  readonly steps: readonly ReplayStep[];
  readonly seed: number;
}

interface MutableNodeState {
  readonly node: Node;
  pods: SchedPod[];
}

/**
 * The nodes both replays start from: the staying nodes with their pods bound, and a way to add the plan's new ones. Each
 * change makes a new pods array: sim/scheduler memoises per pods array, so none is changed once a cycle has seen it.
 */
function startingNodes(
  input: Pick<SimReplayInput, 'nodes' | 'stayingNodes' | 'stayingPods'>,
  who: string,
): { nodes: MutableNodeState[]; byName: Map<string, MutableNodeState>; addNode: (live: string) => void } {
  const nodes: MutableNodeState[] = [];
  const byName = new Map<string, MutableNodeState>();
  const addNode = (live: string): void => {
    const node = input.nodes.get(live);
    if (!node) throw new Error(`${who}: no model node ${live}`);
    const st = { node, pods: [] };
    nodes.push(st);
    byName.set(live, st);
  };
  for (const live of input.stayingNodes) addNode(live);
  for (const { pod, node } of input.stayingPods) {
    const st = byName.get(node);
    if (!st) throw new Error(`${who}: staying pod ${podKey(pod)} on unknown node ${node}`);
    st.pods = [...st.pods, { ...pod, nodeName: node }];
  }
  return { nodes, byName, addNode };
}

export function simReplay(input: SimReplayInput): Map<string, PodOutcome> {
  const prng = new Prng(input.seed).fork('sim-scheduler');
  const { nodes, byName, addNode } = startingNodes(input, 'sim replay');
  const snapshot = (): Snapshot => ({ nodes: nodes.map((n): NodeState => ({ node: n.node, pods: n.pods })), namespaceLabels: {}, pdbs: [] });

  const outcomes = new Map<string, PodOutcome>();
  let waiting: SchedPod[] = [];
  /** Tries `pods` in order; returns those still unschedulable, in the order they failed. */
  const attempt = (pods: readonly SchedPod[]): { failed: SchedPod[]; bound: number } => {
    const failed: SchedPod[] = [];
    let bound = 0;
    for (const pod of pods) {
      const r = scheduleOne(pod, snapshot(), prng);
      if (r.kind === 'scheduled') {
        const st = byName.get(r.node);
        if (!st) throw new Error(`sim replay: scheduled on unknown node ${r.node}`);
        st.pods = [...st.pods, { ...pod, nodeName: r.node }];
        outcomes.set(podKey(pod), { node: r.node, message: null });
        bound += 1;
      } else {
        // No priorities in these worlds, so no preemption: a 'preempt' answer is a refusal here too.
        outcomes.set(podKey(pod), { node: null, message: r.message });
        failed.push(pod);
      }
    }
    return { failed, bound };
  };
  const retryWaiting = (): void => {
    for (;;) {
      const r = attempt(waiting);
      waiting = r.failed;
      if (r.bound === 0 || waiting.length === 0) return;
    }
  };
  for (const step of input.steps) {
    if (step.kind === 'nodes') {
      for (const n of step.nodes) {
        const live = input.liveNameOfNew.get(n.name);
        if (live === undefined) throw new Error(`sim replay: no live name for ${n.name}`);
        addNode(live);
      }
      retryWaiting();
      continue;
    }
    const fresh = step.pods.map((p): SchedPod => {
      const pod = input.podsByKey.get(podKey(p));
      if (!pod) throw new Error(`sim replay: no input pod ${podKey(p)}`);
      return { ...pod, nodeName: null };
    });
    const earlier = waiting;
    const r = attempt(fresh);
    waiting = [...earlier, ...r.failed];
    if (r.bound > 0 && earlier.length > 0) retryWaiting();
  }
  return outcomes;
}

export interface GuidedReplayInput extends SimReplayInput {
  /** kube-scheduler's outcomes (live node names), from the control plane replay. */
  readonly real: ReadonlyMap<string, PodOutcome>;
  /** Bound pods: the step after which kube-scheduler had bound them (steps.length: when created again at the end). */
  readonly boundAfterStep: ReadonlyMap<string, number>;
  /** Per step (and, last, the re-creation at the end): the pods the control plane replay created, in order. */
  readonly createdInStep: readonly (readonly string[])[];
  /** Bound pods: when kube-scheduler reported them Scheduled (microseconds). */
  readonly scheduledAt: ReadonlyMap<string, number>;
}

export interface GuidedReplayResult {
  /** kube-scheduler's bindings checked against sim/scheduler. */
  readonly decisions: number;
  /** Of those, bindings to a node sim/scheduler's filters accept and that has sim/scheduler's highest score. */
  readonly agreed: number;
  /** Of the agreed ones, those where sim/scheduler scored several nodes highest (a tie its PRNG would break). */
  readonly tied: number;
  /** Pods kube-scheduler left Pending, checked against sim/scheduler in the same state. */
  readonly pendingChecked: number;
  /** Of those, pods sim/scheduler refuses too, with the same reason phrases. */
  readonly pendingAgreed: number;
  readonly problems: readonly string[];
}

/**
 * sim/scheduler judged decision by decision against kube-scheduler: the replay's nodes and pods as in simReplay, but every
 * pod goes where kube-scheduler bound it, so that both always look at the same cluster. Each binding must be to a node
 * sim/scheduler's filters accept and score highest (ties included); each pod kube-scheduler leaves Pending at the end must
 * fit no node for sim/scheduler either, for the same reasons, in the cluster as it was at kube-scheduler's last attempt. Bindings are taken in kube-scheduler's order: per step, the
 * pods the step created, in the order it created them (kube-scheduler tries them as they come), then any pod it bound on a
 * retry, in the order of its Scheduled events.
 */
export function guidedReplay(input: GuidedReplayInput): GuidedReplayResult {
  const prng = new Prng(input.seed).fork('sim-scheduler-guided');
  const { nodes, byName, addNode } = startingNodes(input, 'guided replay');
  const snapshot = (): Snapshot => ({ nodes: nodes.map((n): NodeState => ({ node: n.node, pods: n.pods })), namespaceLabels: {}, pdbs: [] });
  const unbound = (k: string): SchedPod => {
    const pod = input.podsByKey.get(k);
    if (!pod) throw new Error(`guided replay: no input pod ${k}`);
    return { ...pod, nodeName: null };
  };

  const problems: string[] = [];
  let decisions = 0;
  let agreed = 0;
  let tied = 0;
  const check = (k: string): void => {
    const target = input.real.get(k)?.node ?? null;
    const st = target === null ? undefined : byName.get(target);
    if (target === null || !st) {
      problems.push(`${k}: bound by kube-scheduler to ${target ?? '-'}, a node the replay does not know`);
      return;
    }
    decisions += 1;
    const pod = unbound(k);
    const snap = snapshot();
    const feasible: NodeState[] = [];
    let refusal: FilterResult = { code: 'Success' };
    const rejected = runPreFilters(pod, snap);
    for (const n of snap.nodes) {
      const r = rejected ?? runFilters(pod, n, snap);
      if (r.code === 'Success') feasible.push(n);
      else if (n.node.name === target) refusal = r;
    }
    let ok = true;
    if (refusal.code !== 'Success') {
      ok = false;
      problems.push(`${k}: kube-scheduler bound it to ${target}, which sim/scheduler's filters refuse: ${refusal.reasons.join(', ')}`);
    } else if (feasible.length > 1) {
      const scores = scoreNodes(pod, feasible, snap);
      const best = Math.max(...scores.map((s) => s.total));
      const mine = scores.find((s) => s.node === target);
      const top = scores.filter((s) => s.total === best);
      if (mine === undefined || mine.total < best) {
        ok = false;
        const show = (s: NodeScore | undefined): string => (s === undefined ? '-' : `${s.node} ${s.total} ${JSON.stringify(s.byPlugin)}`);
        problems.push(`${k}: kube-scheduler chose ${show(mine)}; sim/scheduler scores higher ${top.map(show).join('; ')}`);
      } else if (top.length > 1) tied += 1;
    }
    if (ok) agreed += 1;
    st.pods = [...st.pods, { ...pod, nodeName: target }];
  };
  let pendingChecked = 0;
  let pendingAgreed = 0;
  /** A pod kube-scheduler left Pending, at the point of its last attempt: sim/scheduler must refuse it too, for the same reasons. */
  const checkPending = (k: string): void => {
    const o = input.real.get(k);
    if (!o) return;
    pendingChecked += 1;
    const r = schedule(unbound(k), snapshot(), prng);
    if (r.kind === 'scheduled') {
      problems.push(`${k}: Pending in kube-scheduler (${o.message ?? ''}), sim/scheduler binds it to ${r.node}`);
      return;
    }
    const want = phrasesNow(o.message ?? '');
    const got = phrasesNow(r.message);
    if (want.join('|') === got.join('|')) pendingAgreed += 1;
    else problems.push(`${k}: Pending in both, reasons differ: kube-scheduler ${JSON.stringify(want)} (${o.message ?? ''}), sim/scheduler ${JSON.stringify(got)} (${r.message})`);
  };
  const lastCreated = new Map<string, number>();
  input.createdInStep.forEach((keys, i) => keys.forEach((k) => lastCreated.set(k, i)));
  const byTime = (a: string, b: string): number => (input.scheduledAt.get(a) ?? 0) - (input.scheduledAt.get(b) ?? 0);
  const boundAt = (i: number): string[] => [...input.boundAfterStep].filter(([, s]) => s === i).map(([k]) => k);
  // Per step: the pods it created, in order, each bound where kube-scheduler bound it or, when it stays Pending for good,
  // judged as it was then (its refusal message is from that attempt: kube-scheduler does not retry a pod refused for
  // resources when other pods are bound); then any pod bound on a retry.
  const checkStep = (i: number): void => {
    const here = new Set(boundAt(i));
    const created = input.createdInStep[i] ?? [];
    for (const k of created) {
      if (here.has(k)) check(k);
      else if (input.real.get(k)?.node === null && lastCreated.get(k) === i) checkPending(k);
    }
    for (const k of [...here].filter((x) => !created.includes(x)).sort(byTime)) check(k);
  };
  for (const [i, step] of input.steps.entries()) {
    if (step.kind === 'nodes') {
      for (const n of step.nodes) addNode(input.liveNameOfNew.get(n.name) ?? '');
    }
    checkStep(i);
  }
  checkStep(input.steps.length);
  return { decisions, agreed, tied, pendingChecked, pendingAgreed, problems };
}

/**
 * Ocean's discovery beside the plan: per old node, the VNG Ocean suggests (from the node's labels and taints) and the VNGs
 * the planner placed that node's pods on (from each pod's requests, selectors, affinities and tolerations), with the nodes
 * where they differ flagged. Pure: the plan, the VNGs and Ocean's answer in, rows out.
 *
 * A node differs when it has pods that move and
 * - Ocean suggests no VNG (none matches its labels and taints), or does not list the node at all;
 * - Ocean suggests a VNG and the planner placed the node's pods on another VNG, on more than that one, or found no VNG for
 *   some of them;
 * - Ocean suggests `Default` (the node has no labels or taints of its own: the cluster's default launch spec) and the
 *   planner placed some of its pods on a VNG with labels or taints of its own, or found no VNG for some of them.
 * Pods that go onto old nodes that stay are not placed on a VNG and are not compared.
 */
import type { Plan } from '../planner/plan.js';
import type { DiscoveredNode } from '../model/ocean-discovery.js';
import type { Labels, Taint } from '../model/types.js';

/** What the comparison needs of a VNG. */
export interface DiscoveryVng {
  readonly id: string | null;
  readonly name: string;
  readonly labels: Labels;
  readonly taints: readonly Taint[];
}

/** Ocean's suggestion for a node, as shown: a VNG (its id, and its name when the cluster has it), default, none. */
export type OceanSuggestionView =
  | { readonly kind: 'vng'; readonly vngId: string; readonly vng: string | null }
  | { readonly kind: 'default' }
  | { readonly kind: 'none' }
  | { readonly kind: 'not-listed' };

export interface DiscoveryNodeRow {
  readonly node: string;
  readonly instanceId: string | null;
  readonly ocean: OceanSuggestionView;
  /** The VNGs the planner placed the node's moving pods on, by name, sorted. */
  readonly planner: readonly string[];
  /** The node's pods that move. */
  readonly movingPods: number;
  /** Of those, the pods the planner placed on no VNG. */
  readonly unplacedPods: number;
  readonly differs: boolean;
  /** Why it differs (null when it does not). */
  readonly why: string | null;
}

/** The `oceanDiscovery` field of `plan -o json` (with --ocean-cluster). */
export interface OceanDiscoveryComparison {
  readonly clusterId: string;
  /** One row per old node of the plan, in the plan's order. */
  readonly nodes: readonly DiscoveryNodeRow[];
  /** Rows flagged as differing. */
  readonly differing: number;
  /** Nodes Ocean lists that are not old nodes of the plan (names, else instance ids), sorted. */
  readonly notInPlan: readonly string[];
}

const own = (v: DiscoveryVng): boolean => Object.keys(v.labels).length > 0 || v.taints.length > 0;

function view(d: DiscoveredNode | undefined, vngs: readonly DiscoveryVng[]): OceanSuggestionView {
  if (d === undefined) return { kind: 'not-listed' };
  const s = d.suggestion;
  if (s.kind !== 'vng') return s;
  return { kind: 'vng', vngId: s.vngId, vng: vngs.find((v) => v.id === s.vngId)?.name ?? null };
}

export function describeSuggestion(o: OceanSuggestionView): string {
  switch (o.kind) {
    case 'vng':
      return o.vng !== null ? `${o.vng} (${o.vngId})` : `${o.vngId} (not a VNG of the cluster read)`;
    case 'default':
      return 'Default';
    case 'none':
      return 'none (no VNG matches)';
    case 'not-listed':
      return 'not listed';
  }
}

function why(o: OceanSuggestionView, planner: readonly string[], unplaced: number, vngs: readonly DiscoveryVng[]): string | null {
  const noVng = unplaced > 0 ? `the planner found no VNG for ${unplaced} of its pods` : null;
  switch (o.kind) {
    case 'not-listed':
      return "Ocean's discovery does not list the node";
    case 'none':
      return `no VNG matches the node's labels and taints for Ocean${planner.length > 0 ? `; the planner places its pods on ${planner.join(', ')}` : ''}`;
    case 'default': {
      const specific = planner.filter((name) => vngs.some((v) => v.name === name && own(v)));
      const parts = [specific.length > 0 ? `the planner places pods on ${specific.join(', ')}, a VNG with labels or taints of its own` : null, noVng].filter((x): x is string => x !== null);
      return parts.length > 0 ? parts.join('; ') : null;
    }
    case 'vng': {
      const name = o.vng ?? o.vngId;
      const others = planner.filter((p) => p !== o.vng);
      const parts = [
        others.length > 0 ? `the planner places pods on ${others.join(', ')}${planner.includes(name) ? ` besides ${name}` : ''}` : null,
        o.vng === null ? `Ocean's VNG ${o.vngId} is not one of the cluster's launch specs read` : null,
        noVng,
      ].filter((x): x is string => x !== null);
      return parts.length > 0 ? parts.join('; ') : null;
    }
  }
}

export function compareDiscovery(
  plan: Pick<Plan, 'oldNodes' | 'pods'>,
  vngs: readonly DiscoveryVng[],
  discovered: readonly DiscoveredNode[],
  clusterId: string,
): OceanDiscoveryComparison {
  const byInstance = new Map<string, DiscoveredNode>();
  const byName = new Map<string, DiscoveredNode>();
  for (const d of discovered) {
    if (d.instanceId !== null && !byInstance.has(d.instanceId)) byInstance.set(d.instanceId, d);
    if (d.nodeName !== null && !byName.has(d.nodeName)) byName.set(d.nodeName, d);
  }
  const podsOf = new Map<string, Plan['pods'][number][]>();
  for (const p of plan.pods) {
    if (p.from === null) continue;
    const list = podsOf.get(p.from) ?? [];
    list.push(p);
    podsOf.set(p.from, list);
  }
  const matched = new Set<DiscoveredNode>();
  const nodes = plan.oldNodes.map((n): DiscoveryNodeRow => {
    const d = (n.instanceId !== null ? byInstance.get(n.instanceId) : undefined) ?? byName.get(n.name);
    if (d !== undefined) matched.add(d);
    const pods = podsOf.get(n.name) ?? [];
    const unplacedPods = pods.filter((p) => p.placement === null).length;
    const planner = [...new Set(pods.flatMap((p) => (p.placement?.vng != null ? [p.placement.vng] : [])))].sort();
    const ocean = view(d, vngs);
    const reason = pods.length === 0 ? null : why(ocean, planner, unplacedPods, vngs);
    return { node: n.name, instanceId: n.instanceId, ocean, planner, movingPods: pods.length, unplacedPods, differs: reason !== null, why: reason };
  });
  const notInPlan = discovered.filter((d) => !matched.has(d)).map((d) => d.nodeName ?? d.instanceId ?? '?');
  return { clusterId, nodes, differing: nodes.filter((r) => r.differs).length, notInPlan: [...new Set(notInPlan)].sort() };
}

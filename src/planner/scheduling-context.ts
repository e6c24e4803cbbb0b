/**
 * The planner's view of the cluster while it packs: candidate nodes (nodes that stay, new nodes opened so far), the empty
 * templates of every VNG node type, the term index behind inter-pod constraints, and VNG usage against limits.
 */
import type { HostPort, Labels, Vng } from '../model/types.js';
import type { PodClass } from './pod-classes.js';
import { topologyValue, type PlanNode } from './plan-node.js';
import { nodeAffinityMatches, firstUntoleratedTaint } from './selectors.js';
import { addInto, fits, subtractInto } from './resources.js';
import type { TermIndex } from './terms.js';

interface SpreadCacheEntry {
  scanned: number;
  readonly domains: Set<string>;
  /** The class has been checked against this set at least once. */
  checked?: boolean;
  readonly cls: PodClass;
  readonly ruleIndex: number;
}

export interface VngUsage {
  readonly vng: Vng;
  count: number;
  vcpu: number;
  memoryGiB: number;
}

export class SchedulingContext {
  /** Candidate nodes in first-fit order: staying nodes by name, then new nodes in the order they were opened. */
  readonly nodes: PlanNode[] = [];
  private readonly spreadCache = new Map<string, SpreadCacheEntry>();
  /** Template domains per (pod constraints, policies, keys): shared by every class with the same constraints. */
  private readonly templateDomainCache = new Map<string, readonly string[]>();
  readonly usage = new Map<string, VngUsage>();
  /** A spread domain appeared after a class was first checked against the domains (so its earlier checks missed it). */
  spreadDomainsGrew = false;

  constructor(
    readonly terms: TermIndex,
    /** Empty nodes of every (VNG, instance type, zone), in a stable order. */
    readonly templates: readonly PlanNode[],
    vngs: readonly Vng[],
    private readonly typeSize: (instanceType: string) => { vcpu: number; memoryGiB: number },
    /**
     * Nodes a previous packing round ended with (labels and taints only). Their zones are domains for spread, as they will be
     * for kube-scheduler once those nodes exist, whatever the order in which they are launched.
     */
    private readonly ghosts: readonly PlanNode[] = [],
  ) {
    for (const vng of vngs) this.usage.set(vng.name, { vng, count: 0, vcpu: 0, memoryGiB: 0 });
  }

  addNode(node: PlanNode): void {
    this.nodes.push(node);
    if (node.vng !== null && node.instanceType !== null) {
      const u = this.usage.get(node.vng);
      if (u) {
        const size = this.typeSize(node.instanceType);
        u.count += 1;
        u.vcpu += size.vcpu;
        u.memoryGiB += size.memoryGiB;
      }
    }
  }

  /** Changes a new node's instance type (downsizing), keeping VNG usage right. */
  retypeNode(node: PlanNode, instanceType: string): void {
    const u = node.vng === null ? undefined : this.usage.get(node.vng);
    if (u && node.instanceType !== null) {
      const before = this.typeSize(node.instanceType);
      const after = this.typeSize(instanceType);
      u.vcpu += after.vcpu - before.vcpu;
      u.memoryGiB += after.memoryGiB - before.memoryGiB;
    }
    node.instanceType = instanceType;
  }

  /** Why the VNG cannot take one more node of this type, or null. */
  vngLimitReason(vngName: string, instanceType: string): string | null {
    const u = this.usage.get(vngName);
    if (!u) return null;
    const { vng } = u;
    if (vng.maxInstanceCount !== null && u.count + 1 > vng.maxInstanceCount) {
      return `VNG ${vngName} reached maxInstanceCount ${vng.maxInstanceCount}`;
    }
    const size = this.typeSize(instanceType);
    if (vng.maxVCpu !== null && u.vcpu + size.vcpu > vng.maxVCpu) return `VNG ${vngName} reached maxVCpu ${vng.maxVCpu}`;
    if (vng.maxMemoryGiB !== null && u.memoryGiB + size.memoryGiB > vng.maxMemoryGiB) {
      return `VNG ${vngName} reached maxMemoryGiB ${vng.maxMemoryGiB}`;
    }
    return null;
  }

  /** Records a pod of this class on the node: resources, host ports, and the term counts. */
  place(cls: PodClass, node: PlanNode, movedPodIndex: number | null): void {
    addInto(node.requested, cls.spec.requests);
    for (const p of cls.spec.hostPorts) node.hostPorts.push(p);
    this.terms.add(cls.matchedTermIds, cls.antiTermIds, node.labels, 1);
    if (movedPodIndex !== null) node.movedPods.push(movedPodIndex);
  }

  /** Undoes `place` (used when a node's labels change and its pods are re-recorded). */
  unplaceCounts(cls: PodClass, labels: Labels): void {
    this.terms.add(cls.matchedTermIds, cls.antiTermIds, labels, -1);
  }

  releaseResources(node: PlanNode, requests: Labels | Record<string, number>, ports: readonly HostPort[]): void {
    subtractInto(node.requested, requests as Record<string, number>);
    for (const p of ports) {
      const i = node.hostPorts.indexOf(p);
      if (i >= 0) node.hostPorts.splice(i, 1);
    }
  }

  /** Eligible domains of one spread rule of a class: nodes and templates that pass the rule's node policies. */
  spreadDomains(cls: PodClass, ruleIndex: number): ReadonlySet<string> {
    const key = `${cls.id}:${ruleIndex}`;
    let entry = this.spreadCache.get(key);
    const rule = cls.spread[ruleIndex];
    if (!rule) return new Set();
    if (!entry) {
      const c = rule.constraint;
      const tkey = JSON.stringify([
        c.topologyKey,
        cls.spread.map((r) => r.constraint.topologyKey),
        c.nodeAffinityPolicy === 'Honor' ? [cls.spec.nodeSelector, cls.spec.requiredNodeAffinity] : null,
        c.nodeTaintsPolicy === 'Honor' ? cls.spec.tolerations : null,
        cls.spec.requests,
      ]);
      let fromTemplates = this.templateDomainCache.get(tkey);
      if (!fromTemplates) {
        const probe: SpreadCacheEntry = { scanned: 0, domains: new Set(), cls, ruleIndex };
        for (const t of this.templates) this.addIfEligible(probe, cls, ruleIndex, t);
        for (const g of this.ghosts) this.addIfEligible(probe, cls, ruleIndex, g);
        fromTemplates = [...probe.domains];
        this.templateDomainCache.set(tkey, fromTemplates);
      }
      entry = { scanned: 0, domains: new Set(fromTemplates), cls, ruleIndex };
      this.spreadCache.set(key, entry);
    }
    const before = entry.domains.size;
    for (; entry.scanned < this.nodes.length; entry.scanned++) {
      const node = this.nodes[entry.scanned];
      if (node) this.addIfEligible(entry, cls, ruleIndex, node);
    }
    // New hostname domains are expected (every new node is one) and already allowed for by the empty new-node domain.
    if (entry.domains.size !== before && entry.checked && rule.constraint.topologyKey !== HOSTNAME_LABEL) this.spreadDomainsGrew = true;
    entry.checked = true;
    return entry.domains;
  }

  /**
   * After packing: did any node opened after a class's last spread check add a domain that check did not see? Then that
   * check was made against too few domains.
   */
  spreadDomainsMissed(): boolean {
    if (this.spreadDomainsGrew) return true;
    for (const entry of this.spreadCache.values()) {
      if (entry.cls.spread[entry.ruleIndex]?.constraint.topologyKey === HOSTNAME_LABEL) continue;
      const before = entry.domains.size;
      for (; entry.scanned < this.nodes.length; entry.scanned++) {
        const node = this.nodes[entry.scanned];
        if (node) this.addIfEligible(entry, entry.cls, entry.ruleIndex, node);
      }
      if (entry.domains.size !== before) return true;
    }
    return false;
  }

  private addIfEligible(entry: SpreadCacheEntry, cls: PodClass, ruleIndex: number, node: PlanNode): void {
    const rule = cls.spread[ruleIndex];
    if (!rule) return;
    const key = rule.constraint.topologyKey;
    let value = node.labels[key];
    if (node.origin === 'template' && key === HOSTNAME_LABEL) {
      // Every node not launched yet is a hostname domain holding no pod of the group: one shared stand-in for all of them
      // makes the minimum 0 while a new node can be launched, so a node takes at most maxSkew pods of the group (as
      // Karpenter counts it) and nodes launched later for other pods cannot leave the final cluster out of skew.
      value = NEW_NODE_DOMAIN;
    }
    if (value === undefined || entry.domains.has(value)) return;
    // A template's own hostname is no domain yet (its value above is undefined), but it does not disqualify its zone.
    for (const other of cls.spread) if (topologyValue(node, other.constraint.topologyKey) === undefined) return;
    if (rule.constraint.nodeAffinityPolicy === 'Honor' && !nodeAffinityMatches(cls.spec, node.name, node.labels)) return;
    if (rule.constraint.nodeTaintsPolicy === 'Honor' && firstUntoleratedTaint(node.taints, cls.spec.tolerations) !== null) return;
    // A node type the pod does not fit even empty (beside its DaemonSet pods) would never be launched for it: no domain.
    if (node.origin === 'template' && !fits(node.allocatable, node.requested, cls.spec.requests)) return;
    entry.domains.add(value);
  }
}

const HOSTNAME_LABEL = 'kubernetes.io/hostname';
const NEW_NODE_DOMAIN = '\u0000a node not launched yet';

/**
 * The planner's view of the cluster while it packs: candidate nodes (nodes that stay, new nodes opened so far), the empty
 * templates of every VNG node type, the term index behind inter-pod constraints, and VNG usage against limits.
 */
import type { HostPort, ResourceList, Vng } from '../model/types.js';
import type { PodClass } from './pod-classes.js';
import { topologyValue, type PlanNode } from './plan-node.js';
import { nodeAffinityMatches, firstUntoleratedTaint } from './selectors.js';
import { addInto, fits, subtractInto } from './resources.js';
import type { TermIndex } from './terms.js';

/** Domains found on nodes (staying and new) for one eligibility key, scanned incrementally, shared by every class with it. */
interface NodeScan {
  scanned: number;
  readonly order: string[];
  readonly domains: Set<string>;
  /** A class with this eligibility key: node eligibility depends only on what the key holds. */
  readonly cls: PodClass;
  readonly ruleIndex: number;
}

interface SpreadCacheEntry {
  readonly cls: PodClass;
  readonly ruleIndex: number;
  /** Template (and ghost) domains plus the node domains taken from `scan` so far. */
  readonly union: Set<string>;
  /** How much of scan.order is in `union`. */
  taken: number;
  /** null when nodes cannot change the answer (hostname rules whose minimum is already 0 through a new node). */
  readonly scan: NodeScan | null;
  checked: boolean;
}

/**
 * Matching pods per domain for one spread selector, counted only on nodes the incoming pod's constraint includes
 * (kube-scheduler's node inclusion policies): nodes carrying every topology key of its constraints, passing its node
 * affinity (nodeAffinityPolicy Honor) and whose taints it tolerates (nodeTaintsPolicy Honor).
 */
interface SpreadCounter {
  readonly termId: number;
  readonly topologyKey: string;
  /** A class with this counter's inclusion key: node inclusion depends only on what the key holds. */
  readonly cls: PodClass;
  readonly ruleIndex: number;
  readonly counts: Map<string, number>;
  /** Inclusion per node, valid while the node keeps the labels object it was judged with. */
  readonly included: WeakMap<PlanNode, { readonly labels: PlanNode['labels']; readonly ok: boolean }>;
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
  /**
   * Every node that exists in the planned cluster: the candidates plus nodes that take no pod (cordoned or NotReady nodes
   * that stay). kube-scheduler counts their pods and their domains for spread all the same.
   */
  private readonly allNodes: PlanNode[] = [];
  /** Per node: placed pods selected by each spread term (to count them under a constraint's node inclusion policies). */
  private readonly nodeSpreadCounts = new Map<PlanNode, Map<number, number>>();
  private readonly spreadCounters = new Map<string, SpreadCounter>();
  private readonly countersByTerm = new Map<number, SpreadCounter[]>();
  private readonly countsOfClass = new WeakMap<PodClass, ReadonlyMap<string, number>[]>();
  /**
   * Spread domain entries by class id, then by rule index: the filter asks for them at every node it checks a class
   * against, so the lookup is by number rather than through a text key made at each ask. `spreadEntries`: the same
   * entries in the order they were made.
   */
  private readonly spreadCache = new Map<number, (SpreadCacheEntry | undefined)[]>();
  private readonly spreadEntries: SpreadCacheEntry[] = [];
  /**
   * Template domains per (pod constraints, policies, keys): shared by every class with the same constraints, and without
   * ghosts by every context over the same template list (the template nodes never change).
   */
  private readonly templateDomainCache: Map<string, readonly string[]>;
  private readonly nodeScans = new Map<string, NodeScan>();
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
    this.templateDomainCache = ghosts.length === 0 ? templateDomainsOf(templates) : new Map();
  }

  /** A node that exists but takes no pod (cordoned, NotReady): a spread domain, and its pods count. */
  addBystander(node: PlanNode): void {
    this.allNodes.push(node);
  }

  addNode(node: PlanNode): void {
    this.nodes.push(node);
    this.allNodes.push(node);
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
    // During a run the limits are the headroom left (vngsWithHeadroom); the message names the limit as configured.
    const conf = vng.configuredLimits;
    const running = conf !== undefined && conf.launched > 0 ? ` (${conf.launched} node(s) of it running or launching)` : '';
    if (vng.maxInstanceCount !== null && u.count + 1 > vng.maxInstanceCount) {
      return `VNG ${vngName} reached maxInstanceCount ${conf?.maxInstanceCount ?? vng.maxInstanceCount}${running}`;
    }
    const size = this.typeSize(instanceType);
    if (vng.maxVCpu !== null && u.vcpu + size.vcpu > vng.maxVCpu) return `VNG ${vngName} reached maxVCpu ${conf?.maxVCpu ?? vng.maxVCpu}${running}`;
    if (vng.maxMemoryGiB !== null && u.memoryGiB + size.memoryGiB > vng.maxMemoryGiB) {
      return `VNG ${vngName} reached maxMemoryGiB ${conf?.maxMemoryGiB ?? vng.maxMemoryGiB}${running}`;
    }
    return null;
  }

  /** Records a pod of this class on the node: resources, host ports, and the term counts. */
  place(cls: PodClass, node: PlanNode, movedPodIndex: number | null): void {
    addInto(node.requested, cls.spec.requests);
    for (const p of cls.spec.hostPorts) node.hostPorts.push(p);
    this.countPod(cls, node, 1);
    if (movedPodIndex !== null) node.movedPods.push(movedPodIndex);
  }

  /**
   * Adds (1) or removes (-1) a pod of this class in the term counts, under the node's current labels. A node whose labels
   * change (downsizing) has its pods removed under the old labels and added again under the new ones.
   */
  countPod(cls: PodClass, node: PlanNode, delta: 1 | -1): void {
    this.terms.add(cls, node.labels, delta);
    let perNode: Map<number, number> | undefined;
    for (const id of cls.matchedTermIds) {
      if (!this.terms.spreadTermIds.has(id)) continue;
      perNode ??= this.nodeSpreadCounts.get(node);
      if (!perNode) this.nodeSpreadCounts.set(node, (perNode = new Map()));
      perNode.set(id, (perNode.get(id) ?? 0) + delta);
      for (const counter of this.countersByTerm.get(id) ?? []) {
        if (!this.includedForCounts(counter, node)) continue;
        const value = node.labels[counter.topologyKey] as string;
        counter.counts.set(value, (counter.counts.get(value) ?? 0) + delta);
      }
    }
  }

  /**
   * Pods the class's spread rule selects, per domain, counted as kube-scheduler counts them for this pod: only on nodes its
   * constraint includes (see SpreadCounter). Kept up to date as pods are placed.
   */
  spreadCounts(cls: PodClass, ruleIndex: number): ReadonlyMap<string, number> {
    let perClass = this.countsOfClass.get(cls);
    if (!perClass) this.countsOfClass.set(cls, (perClass = []));
    const known = perClass[ruleIndex];
    if (known) return known;
    const rule = cls.spread[ruleIndex];
    if (!rule) return new Map();
    const c = rule.constraint;
    const honorsAffinity =
      c.nodeAffinityPolicy === 'Honor' && (Object.keys(cls.spec.nodeSelector).length > 0 || cls.spec.requiredNodeAffinity !== null);
    const honorsTaints = c.nodeTaintsPolicy === 'Honor';
    let counts: ReadonlyMap<string, number>;
    if (!honorsAffinity && !honorsTaints && cls.spread.every((r) => r.constraint.topologyKey === c.topologyKey)) {
      // Every node with the key counts (a node lacking it has no domain): the term's own counts are the answer.
      counts = this.terms.counts[rule.termId] ?? new Map();
    } else {
      const key = JSON.stringify([rule.termId, inclusionKey(cls, ruleIndex)]);
      let counter = this.spreadCounters.get(key);
      if (!counter) {
        counter = { termId: rule.termId, topologyKey: c.topologyKey, cls, ruleIndex, counts: new Map(), included: new WeakMap() };
        for (const [node, perNode] of this.nodeSpreadCounts) {
          const n = perNode.get(rule.termId) ?? 0;
          if (n === 0 || !this.includedForCounts(counter, node)) continue;
          const value = node.labels[c.topologyKey] as string;
          counter.counts.set(value, (counter.counts.get(value) ?? 0) + n);
        }
        this.spreadCounters.set(key, counter);
        const list = this.countersByTerm.get(rule.termId);
        if (list) list.push(counter);
        else this.countersByTerm.set(rule.termId, [counter]);
      }
      counts = counter.counts;
    }
    perClass[ruleIndex] = counts;
    return counts;
  }

  private includedForCounts(counter: SpreadCounter, node: PlanNode): boolean {
    const seen = counter.included.get(node);
    if (seen && seen.labels === node.labels) return seen.ok;
    const ok = nodeIncluded(counter.cls, counter.ruleIndex, node);
    counter.included.set(node, { labels: node.labels, ok });
    return ok;
  }

  releaseResources(node: PlanNode, requests: ResourceList, ports: readonly HostPort[]): void {
    subtractInto(node.requested, requests);
    for (const p of ports) {
      const i = node.hostPorts.indexOf(p);
      if (i >= 0) node.hostPorts.splice(i, 1);
    }
  }

  /** Eligible domains of one spread rule of a class: nodes and templates that pass the rule's node policies. */
  spreadDomains(cls: PodClass, ruleIndex: number): ReadonlySet<string> {
    const rule = cls.spread[ruleIndex];
    if (!rule) return new Set();
    let ofClass = this.spreadCache.get(cls.id);
    if (ofClass === undefined) this.spreadCache.set(cls.id, (ofClass = []));
    let entry = ofClass[ruleIndex];
    if (!entry) {
      const c = rule.constraint;
      // The eligibility's JSON, and the same list with the requests after it: JSON.stringify([...eligibility, requests]),
      // made from the first text rather than by writing the eligibility out twice (its list is never empty here).
      const nkey = JSON.stringify(inclusionKey(cls, ruleIndex));
      const tkey = `${nkey.slice(0, -1)},${JSON.stringify(cls.spec.requests)}]`;
      let fromTemplates = this.templateDomainCache.get(tkey);
      if (!fromTemplates) {
        const probe = new Set<string>();
        for (const t of this.templates) this.addIfEligible(probe, cls, ruleIndex, t);
        for (const g of this.ghosts) this.addIfEligible(probe, cls, ruleIndex, g);
        fromTemplates = [...probe];
        this.templateDomainCache.set(tkey, fromTemplates);
      }
      const minZero = c.topologyKey === HOSTNAME_LABEL && c.minDomains === null && fromTemplates.includes(NEW_NODE_DOMAIN);
      let scan: NodeScan | null = null;
      if (!minZero) {
        scan = this.nodeScans.get(nkey) ?? null;
        if (!scan) {
          scan = { scanned: 0, order: [], domains: new Set(), cls, ruleIndex };
          this.nodeScans.set(nkey, scan);
        }
      }
      entry = { cls, ruleIndex, union: new Set(fromTemplates), taken: 0, scan, checked: false };
      ofClass[ruleIndex] = entry;
      this.spreadEntries.push(entry);
    }
    const grew = this.catchUp(entry);
    // New hostname domains are expected (every new node is one); a new zone after a check means that check missed it.
    if (grew && entry.checked && rule.constraint.topologyKey !== HOSTNAME_LABEL) this.spreadDomainsGrew = true;
    entry.checked = true;
    return entry.union;
  }

  /** Scans nodes added since, and takes the new domains into the entry. True when the entry gained a domain. */
  private catchUp(entry: SpreadCacheEntry): boolean {
    const scan = entry.scan;
    if (!scan) return false;
    for (; scan.scanned < this.allNodes.length; scan.scanned++) {
      const node = this.allNodes[scan.scanned];
      if (!node) continue;
      const before = scan.domains.size;
      this.addIfEligible(scan.domains, scan.cls, scan.ruleIndex, node);
      if (scan.domains.size !== before) scan.order.push(node.labels[scan.cls.spread[scan.ruleIndex]?.constraint.topologyKey ?? ''] as string);
    }
    const size = entry.union.size;
    for (; entry.taken < scan.order.length; entry.taken++) entry.union.add(scan.order[entry.taken] as string);
    return entry.union.size !== size;
  }

  /**
   * After packing: did any node opened after a class's last spread check add a domain that check did not see? Then that
   * check was made against too few domains.
   */
  spreadDomainsMissed(): boolean {
    if (this.spreadDomainsGrew) return true;
    for (const entry of this.spreadEntries) {
      if (entry.cls.spread[entry.ruleIndex]?.constraint.topologyKey === HOSTNAME_LABEL) continue;
      if (this.catchUp(entry)) return true;
    }
    return false;
  }

  private addIfEligible(domains: Set<string>, cls: PodClass, ruleIndex: number, node: PlanNode): void {
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
    if (value === undefined || domains.has(value)) return;
    // A template's own hostname is no domain yet (its value above is undefined), but it does not disqualify its zone.
    for (const other of cls.spread) if (topologyValue(node, other.constraint.topologyKey) === undefined) return;
    if (!passesInclusionPolicies(cls, ruleIndex, node)) return;
    // A node type the pod does not fit even empty (beside its DaemonSet pods) would never be launched for it: no domain.
    if (node.origin === 'template' && !fits(node.allocatable, node.requested, cls.spec.requests)) return;
    domains.add(value);
  }
}

/** Template domains kept per template list, for contexts without ghosts (see SchedulingContext.templateDomainCache). */
const keptTemplateDomains = new WeakMap<readonly PlanNode[], Map<string, readonly string[]>>();

/** The most domain lists kept per template list (the map starts again beyond). */
const MAX_KEPT_DOMAINS = 10_000;

function templateDomainsOf(templates: readonly PlanNode[]): Map<string, readonly string[]> {
  let m = keptTemplateDomains.get(templates);
  if (m === undefined || m.size >= MAX_KEPT_DOMAINS) keptTemplateDomains.set(templates, (m = new Map()));
  return m;
}

/** What decides which nodes a spread rule of a class includes: its key, every key of the class's rules, the policies. */
function inclusionKey(cls: PodClass, ruleIndex: number): unknown[] {
  const c = cls.spread[ruleIndex]?.constraint;
  if (!c) return [];
  return [
    c.topologyKey,
    cls.spread.map((r) => r.constraint.topologyKey),
    c.nodeAffinityPolicy === 'Honor' ? [cls.spec.nodeSelector, cls.spec.requiredNodeAffinity] : null,
    c.nodeTaintsPolicy === 'Honor' ? cls.spec.tolerations : null,
  ];
}

/** kube-scheduler's matchNodeInclusionPolicies: the pod's node affinity (Honor) and its tolerations (Honor). */
function passesInclusionPolicies(cls: PodClass, ruleIndex: number, node: PlanNode): boolean {
  const c = cls.spread[ruleIndex]?.constraint;
  if (!c) return false;
  if (c.nodeAffinityPolicy === 'Honor' && !nodeAffinityMatches(cls.spec, node.name, node.labels)) return false;
  if (c.nodeTaintsPolicy === 'Honor' && firstUntoleratedTaint(node.taints, cls.spec.tolerations) !== null) return false;
  return true;
}

/** Does a node's pods count for the rule: it carries every topology key of the class's rules and passes the policies. */
function nodeIncluded(cls: PodClass, ruleIndex: number, node: PlanNode): boolean {
  for (const r of cls.spread) if (node.labels[r.constraint.topologyKey] === undefined) return false;
  return passesInclusionPolicies(cls, ruleIndex, node);
}

const HOSTNAME_LABEL = 'kubernetes.io/hostname';
const NEW_NODE_DOMAIN = '\u0000a node not launched yet';

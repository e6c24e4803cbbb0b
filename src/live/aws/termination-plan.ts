/**
 * Which instances a drained batch may terminate on AWS, and how: the guard rails and the choice of path, as a pure
 * function of what EC2 and Auto Scaling said (no calls here; aws-cloud.ts makes them and acts on the answer).
 *
 * Guard rails: every instance asked for must be an old node of this migration (its plan names the node and the instance),
 * carry this cluster's tag (`kubernetes.io/cluster/NAME` with any value, or `eks:cluster-name` = NAME), and be the
 * instance behind that node (the node's name is the instance's private DNS name, or starts with the instance id as EKS's
 * resource-based names do; a Node object still present must name the instance in its providerID). One instance failing a
 * rail refuses the whole request: none of it is terminated.
 *
 * Paths (as the old world manages its instances):
 * - in an Auto Scaling group (self-managed groups, and EKS managed node groups, whose groups EKS creates): through
 *   TerminateInstanceInAutoScalingGroup with ShouldDecrementDesiredCapacity, so the group launches no replacement. That
 *   names the instance; scaling a managed node group down through EKS's UpdateNodegroupConfig would not (its group picks
 *   the instances to remove), and could take a node that was never drained. When the decrements would take the group
 *   below its MinSize, the request is refused naming the group and the fix, unless lowering MinSize was allowed;
 * - stand-alone: TerminateInstances;
 * - already shutting down or terminated, or unknown to EC2 in the instance's own region: nothing to do (terminating is
 *   idempotent). An instance unknown to EC2 in another region than the one asked is refused (the wrong region would leave
 *   it running).
 */

/** What DescribeInstances says of one instance. */
export interface InstanceFacts {
  readonly id: string;
  /** pending | running | shutting-down | terminated | stopping | stopped */
  readonly state: string;
  readonly zone: string;
  readonly privateDnsName: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** What DescribeAutoScalingGroups says of one group. */
export interface GroupFacts {
  readonly name: string;
  readonly minSize: number;
  readonly desiredCapacity: number;
}

export interface TerminationRequest {
  readonly instanceIds: readonly string[];
  /** The migration's old nodes: instance id -> node name (from the plan). */
  readonly oldNodes: ReadonlyMap<string, string>;
  /** Node objects present now: node name -> the instance id of its providerID (null when it has none). */
  readonly liveNodes: ReadonlyMap<string, string | null>;
  /** What EC2 said, per instance id; absent: EC2 does not know the id (in the region asked). */
  readonly instances: ReadonlyMap<string, InstanceFacts>;
  readonly groups: ReadonlyMap<string, GroupFacts>;
  readonly clusterName: string;
  /** The region the clients talk to. */
  readonly region: string;
  /** Lower a group's MinSize when the decrements would go below it (instead of refusing). */
  readonly allowLowerMinSize: boolean;
  /** The zone an old node's providerID names, per instance id (to tell "gone" from "another region"). */
  readonly zoneOf: ReadonlyMap<string, string>;
}

export type TerminationStep =
  | {
      readonly kind: 'auto-scaling-group';
      readonly instanceId: string;
      readonly node: string;
      readonly group: string;
      /** An EKS managed node group's name (the `eks:nodegroup-name` tag), when the group is one. */
      readonly eksNodegroup: string | null;
      /** Set when MinSize must be lowered first (allowed): the new MinSize. */
      readonly lowerMinSizeTo: number | null;
    }
  | { readonly kind: 'stand-alone'; readonly instanceId: string; readonly node: string }
  | { readonly kind: 'nothing'; readonly instanceId: string; readonly node: string; readonly why: string };

export type TerminationPlan =
  | { readonly kind: 'steps'; readonly steps: readonly TerminationStep[] }
  | { readonly kind: 'refused'; readonly message: string; readonly instanceIds: readonly string[] };

export const ASG_TAG = 'aws:autoscaling:groupName';
export const EKS_NODEGROUP_TAG = 'eks:nodegroup-name';

/** Does the instance carry the cluster's tag? */
export function taggedForCluster(tags: Readonly<Record<string, string>>, clusterName: string): boolean {
  return tags[`kubernetes.io/cluster/${clusterName}`] !== undefined || tags['eks:cluster-name'] === clusterName;
}

/** Is `node` the name of the node this instance runs? */
export function namesInstance(node: string, instance: InstanceFacts): boolean {
  if (node === instance.id || node.startsWith(`${instance.id}.`)) return true;
  const dns = instance.privateDnsName;
  if (dns === '') return false;
  const first = (s: string): string => s.split('.')[0] ?? s;
  return node === dns || first(node) === first(dns);
}

export function planTermination(r: TerminationRequest): TerminationPlan {
  const ids = [...new Set(r.instanceIds)];
  const refuse = (message: string): TerminationPlan => ({ kind: 'refused', message: `refusing to terminate ${ids.join(', ')}: ${message}`, instanceIds: ids });
  const steps: TerminationStep[] = [];
  const perGroup = new Map<string, string[]>();
  for (const id of ids) {
    const node = r.oldNodes.get(id);
    if (node === undefined) return refuse(`${id} is not an old node of this migration`);
    const live = r.liveNodes.get(node);
    if (live !== undefined && live !== null && live !== id) return refuse(`node ${node} now runs on instance ${live}, not ${id}`);
    const facts = r.instances.get(id);
    if (facts === undefined) {
      const zone = r.zoneOf.get(id) ?? '';
      if (zone !== '' && !zone.startsWith(r.region)) {
        return refuse(`EC2 in ${r.region} does not know ${id} (node ${node}, zone ${zone}): give --region of that zone`);
      }
      steps.push({ kind: 'nothing', instanceId: id, node, why: 'EC2 no longer knows the instance' });
      continue;
    }
    if (!taggedForCluster(facts.tags, r.clusterName)) {
      return refuse(`${id} carries neither kubernetes.io/cluster/${r.clusterName} nor eks:cluster-name=${r.clusterName}`);
    }
    if (!namesInstance(node, facts)) {
      return refuse(`${id} is not node ${node} (its private DNS name is ${facts.privateDnsName === '' ? 'empty' : facts.privateDnsName})`);
    }
    if (facts.state === 'terminated' || facts.state === 'shutting-down') {
      steps.push({ kind: 'nothing', instanceId: id, node, why: `the instance is already ${facts.state}` });
      continue;
    }
    const group = facts.tags[ASG_TAG];
    if (group === undefined) {
      steps.push({ kind: 'stand-alone', instanceId: id, node });
      continue;
    }
    if (!r.groups.has(group)) return refuse(`${id} names Auto Scaling group ${group}, which Auto Scaling does not know`);
    perGroup.set(group, [...(perGroup.get(group) ?? []), id]);
    steps.push({ kind: 'auto-scaling-group', instanceId: id, node, group, eksNodegroup: facts.tags[EKS_NODEGROUP_TAG] ?? null, lowerMinSizeTo: null });
  }
  const lowerTo = new Map<string, number>();
  for (const [name, members] of [...perGroup].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const g = r.groups.get(name) as GroupFacts;
    const after = g.desiredCapacity - members.length;
    if (after >= g.minSize) continue;
    if (!r.allowLowerMinSize) {
      return refuse(
        `Auto Scaling group ${name} has MinSize ${g.minSize} and DesiredCapacity ${g.desiredCapacity}: terminating ${members.length} instance(s) ` +
          `without a replacement would take it to ${after}; lower its MinSize to ${Math.max(0, after)} ` +
          `(aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${name} --min-size ${Math.max(0, after)}) or run with --allow-lower-min-size`,
      );
    }
    lowerTo.set(name, Math.max(0, after));
  }
  // MinSize is lowered once per group, before its first instance goes.
  const lowered = new Set<string>();
  const out = steps.map((s): TerminationStep => {
    if (s.kind !== 'auto-scaling-group') return s;
    const to = lowerTo.get(s.group);
    if (to === undefined || lowered.has(s.group)) return s;
    lowered.add(s.group);
    return { ...s, lowerMinSizeTo: to };
  });
  return { kind: 'steps', steps: out };
}

/** One line saying what a step does, for logs and dry runs. */
export function describeStep(s: TerminationStep): string {
  const what = `instance ${s.instanceId} (node ${s.node})`;
  switch (s.kind) {
    case 'nothing':
      return `${what}: nothing to do (${s.why})`;
    case 'stand-alone':
      return `${what}: TerminateInstances (stand-alone instance)`;
    case 'auto-scaling-group': {
      const kind = s.eksNodegroup !== null ? `EKS managed node group ${s.eksNodegroup}, Auto Scaling group ${s.group}` : `Auto Scaling group ${s.group}`;
      const min = s.lowerMinSizeTo !== null ? `, MinSize lowered to ${s.lowerMinSizeTo} first` : '';
      return `${what}: TerminateInstanceInAutoScalingGroup, desired capacity lowered by one (${kind}${min})`;
    }
  }
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { namesInstance, planTermination, taggedForCluster, type GroupFacts, type InstanceFacts, type TerminationRequest } from '../../../../src/live/aws/termination-plan.js';

const CLUSTER = 'prod';

function instance(id: string, o: Partial<InstanceFacts> = {}, tags: Record<string, string> = {}): InstanceFacts {
  const n = Number.parseInt(id.slice(2), 16) % 250;
  return {
    id,
    state: 'running',
    zone: 'us-east-1a',
    privateDnsName: `ip-10-0-0-${n}.ec2.internal`,
    tags: { [`kubernetes.io/cluster/${CLUSTER}`]: 'owned', ...tags },
    ...o,
  };
}

function request(instances: InstanceFacts[], o: Partial<TerminationRequest> = {}): TerminationRequest {
  const oldNodes = new Map(instances.map((i) => [i.id, i.privateDnsName]));
  return {
    instanceIds: instances.map((i) => i.id),
    oldNodes,
    liveNodes: new Map(instances.map((i) => [i.privateDnsName, i.id])),
    instances: new Map(instances.map((i) => [i.id, i])),
    groups: new Map(),
    clusterName: CLUSTER,
    region: 'us-east-1',
    allowLowerMinSize: false,
    zoneOf: new Map(instances.map((i) => [i.id, i.zone])),
    ...o,
  };
}

const group = (name: string, minSize: number, desiredCapacity: number): [string, GroupFacts] => [name, { name, minSize, desiredCapacity }];

describe('planTermination', () => {
  it('terminates an instance of a group through the group, decrementing, and a stand-alone one through EC2', () => {
    const a = instance('i-0a', {}, { 'aws:autoscaling:groupName': 'ng-1' });
    const b = instance('i-0b');
    const plan = planTermination(request([a, b], { groups: new Map([group('ng-1', 0, 3)]) }));
    expect(plan).toEqual({
      kind: 'steps',
      steps: [
        { kind: 'auto-scaling-group', instanceId: 'i-0a', node: a.privateDnsName, group: 'ng-1', eksNodegroup: null, lowerMinSizeTo: null },
        { kind: 'stand-alone', instanceId: 'i-0b', node: b.privateDnsName },
      ],
    });
  });

  it('names the EKS managed node group an instance belongs to', () => {
    const a = instance('i-0a', {}, { 'aws:autoscaling:groupName': 'eks-ng-abc', 'eks:nodegroup-name': 'ng', 'eks:cluster-name': CLUSTER });
    const plan = planTermination(request([a], { groups: new Map([group('eks-ng-abc', 1, 3)]) }));
    expect(plan.kind === 'steps' && plan.steps[0]).toMatchObject({ kind: 'auto-scaling-group', eksNodegroup: 'ng' });
  });

  it('refuses the whole request when one instance is not an old node of the migration', () => {
    const a = instance('i-0a');
    const stranger = instance('i-0c');
    const r = request([a, stranger]);
    const plan = planTermination({ ...r, oldNodes: new Map([[a.id, a.privateDnsName]]) });
    expect(plan).toMatchObject({ kind: 'refused', instanceIds: ['i-0a', 'i-0c'] });
    expect(plan.kind === 'refused' && plan.message).toContain('i-0c is not an old node of this migration');
  });

  it("refuses an instance without the cluster's tag, and one that is not the node's instance", () => {
    const foreign = instance('i-0a', { tags: { 'kubernetes.io/cluster/other': 'owned' } });
    expect(planTermination(request([foreign]))).toMatchObject({ kind: 'refused' });
    const a = instance('i-0b');
    const r = request([a]);
    const swapped = planTermination({ ...r, oldNodes: new Map([[a.id, 'ip-10-9-9-9.ec2.internal']]), liveNodes: new Map() });
    expect(swapped.kind === 'refused' && swapped.message).toContain('is not node ip-10-9-9-9.ec2.internal');
    const moved = planTermination({ ...r, liveNodes: new Map([[a.privateDnsName, 'i-0ff']]) });
    expect(moved.kind === 'refused' && moved.message).toContain('now runs on instance i-0ff');
  });

  it('refuses to go below MinSize, naming the group and the fix, unless allowed; then MinSize is lowered once', () => {
    const a = instance('i-0a', {}, { 'aws:autoscaling:groupName': 'ng-1' });
    const b = instance('i-0b', {}, { 'aws:autoscaling:groupName': 'ng-1' });
    const groups = new Map([group('ng-1', 2, 3)]);
    const refused = planTermination(request([a, b], { groups }));
    expect(refused.kind === 'refused' && refused.message).toMatch(/ng-1 has MinSize 2 and DesiredCapacity 3.*--min-size 1.*--allow-lower-min-size/);
    const allowed = planTermination(request([a, b], { groups, allowLowerMinSize: true }));
    expect(allowed.kind === 'steps' && allowed.steps.map((s) => (s.kind === 'auto-scaling-group' ? s.lowerMinSizeTo : 'x'))).toEqual([1, null]);
    expect(planTermination(request([a], { groups })).kind).toBe('steps');
  });

  it('does nothing for instances already terminating or gone, and refuses one unknown in another region', () => {
    const done = instance('i-0a', { state: 'terminated' });
    const gone = instance('i-0b');
    const r = request([done, gone]);
    const plan = planTermination({ ...r, instances: new Map([[done.id, done]]) });
    expect(plan.kind === 'steps' && plan.steps.map((s) => s.kind)).toEqual(['nothing', 'nothing']);
    const elsewhere = planTermination({ ...r, instances: new Map([[done.id, done]]), zoneOf: new Map([[gone.id, 'eu-west-1b']]) });
    expect(elsewhere.kind === 'refused' && elsewhere.message).toContain('give --region');
  });

  it('tells node names of instances: private DNS names, their first label, resource names', () => {
    const i = instance('i-0abc', { privateDnsName: 'ip-10-0-0-5.ec2.internal' });
    expect(namesInstance('ip-10-0-0-5.ec2.internal', i)).toBe(true);
    expect(namesInstance('ip-10-0-0-5', i)).toBe(true);
    expect(namesInstance('i-0abc.us-east-1.compute.internal', i)).toBe(true);
    expect(namesInstance('ip-10-0-0-6.ec2.internal', i)).toBe(false);
    expect(namesInstance('i-0abcd', i)).toBe(false);
    expect(taggedForCluster({ 'eks:cluster-name': 'prod' }, 'prod')).toBe(true);
    expect(taggedForCluster({ 'eks:cluster-name': 'prod2' }, 'prod')).toBe(false);
  });

  it('never terminates an instance outside the plan or the cluster, whatever EC2, Auto Scaling and the cluster say', () => {
    const ids = ['i-01', 'i-02', 'i-03', 'i-04', 'i-05', 'i-06'];
    let acted = 0;
    const arbInstance = (id: string) =>
      fc.record({
        state: fc.constantFrom('running', 'pending', 'stopped', 'shutting-down', 'terminated'),
        dns: fc.constantFrom(`ip-${id}.ec2.internal`, `ip-${id}.ec2.internal`, 'ip-10-0-0-1.ec2.internal', ''),
        clusterTag: fc.constantFrom('k8s', 'eks', 'k8s', 'eks', 'other', 'none'),
        group: fc.option(fc.constantFrom('g1', 'g2', 'g3'), { nil: undefined }),
        known: fc.constantFrom(true, true, true, false),
        inPlan: fc.constantFrom(true, true, true, false),
        planName: fc.constantFrom(`ip-${id}.ec2.internal`, `ip-${id}.ec2.internal`, 'ip-10-0-0-1.ec2.internal', `${id}.compute.internal`),
        live: fc.constantFrom('same', 'same', 'none', 'gone', 'other'),
      });
    fc.assert(
      fc.property(
        fc.tuple(...ids.map(arbInstance)),
        fc.subarray(ids, { minLength: 1, maxLength: 3 }),
        fc.tuple(...['g1', 'g2', 'g3'].map((g) => fc.tuple(fc.constant(g), fc.nat(4), fc.nat(8)))),
        fc.boolean(),
        (facts, asked, groupList, allowLowerMinSize) => {
          const instances = new Map<string, InstanceFacts>();
          const oldNodes = new Map<string, string>();
          const liveNodes = new Map<string, string | null>();
          ids.forEach((id, k) => {
            const f = facts[k] as (typeof facts)[number];
            const tags: Record<string, string> = {};
            if (f.clusterTag === 'k8s') tags[`kubernetes.io/cluster/${CLUSTER}`] = 'shared';
            if (f.clusterTag === 'eks') tags['eks:cluster-name'] = CLUSTER;
            if (f.clusterTag === 'other') tags['kubernetes.io/cluster/other'] = 'owned';
            if (f.group !== undefined) tags['aws:autoscaling:groupName'] = f.group;
            if (f.known) instances.set(id, { id, state: f.state, zone: 'us-east-1a', privateDnsName: f.dns, tags });
            if (f.inPlan) oldNodes.set(id, f.planName);
            if (f.live !== 'gone') liveNodes.set(f.planName, f.live === 'same' ? id : f.live === 'other' ? 'i-0ff' : null);
          });
          // g3 is unknown to Auto Scaling half the time.
          const groups = new Map(groupList.filter(([n, min]) => n !== 'g3' || min % 2 === 0).map(([n, min, desired]) => group(n, min, desired)));
          const plan = planTermination({ instanceIds: asked, oldNodes, liveNodes, instances, groups, clusterName: CLUSTER, region: 'us-east-1', allowLowerMinSize, zoneOf: new Map() });
          if (plan.kind === 'refused') return;
          acted += plan.steps.filter((s) => s.kind !== 'nothing').length;
          // Every instance acted on: asked for, in the plan under the node it runs, tagged for the cluster, alive.
          for (const s of plan.steps) {
            expect(asked).toContain(s.instanceId);
            if (s.kind === 'nothing') continue;
            const f = instances.get(s.instanceId);
            expect(f).toBeDefined();
            if (f === undefined) return;
            expect(oldNodes.get(s.instanceId)).toBe(s.node);
            expect(taggedForCluster(f.tags, CLUSTER)).toBe(true);
            expect(namesInstance(s.node, f)).toBe(true);
            expect(['terminated', 'shutting-down']).not.toContain(f.state);
            const live = liveNodes.get(s.node);
            expect(live === undefined || live === null || live === s.instanceId).toBe(true);
            if (s.kind === 'auto-scaling-group') {
              expect(f.tags['aws:autoscaling:groupName']).toBe(s.group);
              const g = groups.get(s.group) as GroupFacts;
              const n = plan.steps.filter((x) => x.kind === 'auto-scaling-group' && x.group === s.group).length;
              // Without the permission, a group never goes below its MinSize.
              if (!allowLowerMinSize) expect(g.desiredCapacity - n).toBeGreaterThanOrEqual(g.minSize);
            } else expect(f.tags['aws:autoscaling:groupName']).toBeUndefined();
          }
          // And every instance asked for is accounted for.
          expect(plan.steps.map((s) => s.instanceId).sort()).toEqual([...new Set(asked)].sort());
        },
      ),
      { numRuns: 1000 },
    );
    // The property saw plans that act, not only refusals.
    expect(acted).toBeGreaterThan(20);
  });
});

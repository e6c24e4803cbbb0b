import { describe, expect, it } from 'vitest';
import { runFilters } from '../../../../sim/scheduler/framework.js';
import { interPodAffinityFilter } from '../../../../sim/scheduler/plugins/inter-pod-affinity.js';
import { podTopologySpreadFilter } from '../../../../sim/scheduler/plugins/pod-topology-spread.js';
import { GI, node, pod, snapshot, spread, state, term } from './fixtures.js';

function verdict(p: ReturnType<typeof pod>, n: ReturnType<typeof state>, others: ReturnType<typeof state>[] = []) {
  return runFilters(p, n, snapshot([n, ...others]));
}

describe('filters reject with kube-scheduler reason phrases', () => {
  it('NodeUnschedulable: a cordoned node, unless the pod tolerates the unschedulable taint', () => {
    const n = state(node('a', { unschedulable: true }));
    expect(verdict(pod('p'), n)).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: ['node(s) were unschedulable'] });
    const tolerant = pod('p', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', value: '', effect: 'NoSchedule' }] });
    expect(verdict(tolerant, n).code).toBe('Success');
  });

  it('NodeName: a pod naming another node', () => {
    expect(verdict(pod('p', { nodeName: 'b' }), state(node('a')))).toEqual({
      code: 'UnschedulableAndUnresolvable',
      reasons: ["node(s) didn't match the requested node name"],
    });
  });

  it('TaintToleration: an untolerated NoSchedule/NoExecute taint, in kube-scheduler 1.36 words; PreferNoSchedule never filters', () => {
    const n = state(node('a', { taints: [{ key: 'soft', value: '', effect: 'PreferNoSchedule' }, { key: 'team', value: 'x', effect: 'NoSchedule' }] }));
    expect(verdict(pod('p'), n)).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had untolerated taint(s)'] });
    const tolerant = pod('p', { tolerations: [{ key: 'team', operator: 'Equal', value: 'x', effect: 'NoSchedule' }] });
    expect(verdict(tolerant, n).code).toBe('Success');
  });

  it('NodeAffinity: nodeSelector and required terms (ORed terms, ANDed requirements)', () => {
    const n = state(node('a', { labels: { zone: 'z1' } }));
    const reason = { code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match Pod's node affinity/selector"] };
    expect(verdict(pod('p', { nodeSelector: { zone: 'z2' } }), n)).toEqual(reason);
    const terms = (v: string) => [{ matchExpressions: [{ key: 'zone', operator: 'In' as const, values: [v] }], matchFields: [] }];
    expect(verdict(pod('p', { requiredNodeAffinity: terms('z2') }), n)).toEqual(reason);
    expect(verdict(pod('p', { requiredNodeAffinity: [...terms('z2'), ...terms('z1')] }), n).code).toBe('Success');
  });

  it('NodePorts: the same protocol and port on overlapping addresses', () => {
    const used = pod('old', { hostPorts: [{ port: 8080, protocol: 'TCP', hostIP: '' }] });
    const n = state(node('a'), [used]);
    expect(verdict(pod('p', { hostPorts: [{ port: 8080, protocol: 'TCP', hostIP: '10.0.0.1' }] }), n)).toEqual({
      code: 'Unschedulable',
      reasons: ["node(s) didn't have free ports for the requested pod ports"],
    });
    expect(verdict(pod('p', { hostPorts: [{ port: 8080, protocol: 'UDP', hostIP: '' }] }), n).code).toBe('Success');
  });

  it('NodeResourcesFit: "Insufficient <resource>" per short resource and "Too many pods"', () => {
    const n = state(node('a', { allocatable: { cpu: 2000, memory: 4 * GI, pods: 1 } }), [pod('old', { requests: { cpu: 1500, pods: 1 } })]);
    expect(verdict(pod('p', { requests: { 'nvidia.com/gpu': 1, memory: 5 * GI, cpu: 1000, pods: 1 } }), n)).toEqual({
      code: 'Unschedulable',
      reasons: ['Too many pods', 'Insufficient cpu', 'Insufficient memory', 'Insufficient nvidia.com/gpu'],
    });
  });

  it('PodTopologySpread: skew over maxSkew, and a node missing the topology key', () => {
    const web = (name: string) => pod(name, { labels: { app: 'web' } });
    const a = state(node('a', { labels: { zone: 'a' } }), [web('w1')]);
    const b = state(node('b', { labels: { zone: 'b' } }));
    const bare = state(node('c'));
    const s = snapshot([a, b, bare]);
    const p = pod('p', { labels: { app: 'web' }, topologySpread: [spread({ topologyKey: 'zone', labels: { app: 'web' } })] });
    // zone a: 1 + 1 - min 0 = 2 > 1.
    expect(podTopologySpreadFilter.filter(p, a, s)).toEqual({ code: 'Unschedulable', reasons: ["node(s) didn't match pod topology spread constraints"] });
    expect(podTopologySpreadFilter.filter(p, b, s).code).toBe('Success');
    expect(podTopologySpreadFilter.filter(p, bare, s)).toEqual({
      code: 'UnschedulableAndUnresolvable',
      reasons: ["node(s) didn't match pod topology spread constraints (missing required label)"],
    });
  });

  it('PodTopologySpread: the filter needs only the DoNotSchedule keys; a ScheduleAnyway key the nodes lack hides no domain', () => {
    const a = state(node('a', { labels: { zone: 'a' } }), [pod('w1', { labels: { app: 'web' } })]);
    const b = state(node('b', { labels: { zone: 'b' } }));
    const soft = spread({ topologyKey: 'rack', labels: { app: 'web' }, whenUnsatisfiable: 'ScheduleAnyway' });
    const hard = spread({ topologyKey: 'zone', labels: { app: 'web' } });
    const p = pod('p', { labels: { app: 'web' }, topologySpread: [hard, soft] });
    const s = snapshot([a, b]);
    expect(podTopologySpreadFilter.filter(p, a, s).code).toBe('Unschedulable');
    expect(podTopologySpreadFilter.filter(p, b, s).code).toBe('Success');
  });

  it('PodTopologySpread: minDomains above the domain count makes the global minimum 0', () => {
    const web = (name: string) => pod(name, { labels: { app: 'web' } });
    const a = state(node('a', { labels: { zone: 'a' } }), [web('w1')]);
    const b = state(node('b', { labels: { zone: 'b' } }), [web('w2')]);
    const s = snapshot([a, b]);
    const c = (minDomains: number | null) => pod('p', { labels: { app: 'web' }, topologySpread: [spread({ topologyKey: 'zone', labels: { app: 'web' }, minDomains })] });
    expect(podTopologySpreadFilter.filter(c(null), a, s).code).toBe('Success');
    expect(podTopologySpreadFilter.filter(c(3), a, s).code).toBe('Unschedulable');
  });

  it('PodTopologySpread: nodeTaintsPolicy Honor leaves tainted nodes out of the domains', () => {
    const web = (name: string) => pod(name, { labels: { app: 'web' } });
    const a = state(node('a', { labels: { zone: 'a' } }), [web('w1')]);
    const t = state(node('t', { labels: { zone: 't' }, taints: [{ key: 'x', value: '', effect: 'NoSchedule' }] }));
    const s = snapshot([a, t]);
    const p = (policy: 'Honor' | 'Ignore') =>
      pod('p', { labels: { app: 'web' }, topologySpread: [spread({ topologyKey: 'zone', labels: { app: 'web' }, nodeTaintsPolicy: policy })] });
    expect(podTopologySpreadFilter.filter(p('Ignore'), a, s).code).toBe('Unschedulable');
    expect(podTopologySpreadFilter.filter(p('Honor'), a, s).code).toBe('Success');
  });

  it("InterPodAffinity: existing pods' anti-affinity, the pod's anti-affinity, and its affinity", () => {
    const guard = pod('guard', { labels: { app: 'guard' }, podAntiAffinity: [term({ app: 'p' }, 'zone')] });
    const a = state(node('a', { labels: { zone: 'z1' } }), [guard]);
    const a2 = state(node('a2', { labels: { zone: 'z1' } }));
    const b = state(node('b', { labels: { zone: 'z2' } }));
    const s = snapshot([a, a2, b]);
    const p = pod('p', { labels: { app: 'p' } });
    expect(interPodAffinityFilter.filter(p, a2, s)).toEqual({ code: 'Unschedulable', reasons: ["node(s) didn't satisfy existing pods anti-affinity rules"] });
    expect(interPodAffinityFilter.filter(p, b, s).code).toBe('Success');

    const anti = pod('q', { podAntiAffinity: [term({ app: 'guard' }, 'zone')] });
    expect(interPodAffinityFilter.filter(anti, a2, s)).toEqual({ code: 'Unschedulable', reasons: ["node(s) didn't match pod anti-affinity rules"] });

    const near = pod('r', { podAffinity: [term({ app: 'guard' }, 'zone')] });
    expect(interPodAffinityFilter.filter(near, a2, s).code).toBe('Success');
    expect(interPodAffinityFilter.filter(near, b, s)).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match pod affinity rules"] });
  });

  it('InterPodAffinity: checks the pod affinity before the anti-affinity rules (kube-scheduler order)', () => {
    const guard = pod('guard', { labels: { app: 'guard' }, podAntiAffinity: [term({ app: 'p' }, 'zone')] });
    const a = state(node('a', { labels: { zone: 'z1' } }), [guard]);
    const b = state(node('b', { labels: { zone: 'z2' } }), [pod('db', { labels: { app: 'db' } })]);
    const p = pod('p', { labels: { app: 'p' }, podAffinity: [term({ app: 'db' }, 'zone')] });
    expect(interPodAffinityFilter.filter(p, a, snapshot([a, b]))).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match pod affinity rules"] });
  });

  it('InterPodAffinity: the first pod of a self-affine series may go anywhere', () => {
    const b = state(node('b', { labels: { zone: 'z2' } }));
    const s = snapshot([b]);
    const self = pod('s', { labels: { app: 's' }, podAffinity: [term({ app: 's' }, 'zone')] });
    expect(interPodAffinityFilter.filter(self, b, s).code).toBe('Success');
    const other = pod('o', { labels: { app: 'o' }, podAffinity: [term({ app: 's' }, 'zone')] });
    expect(interPodAffinityFilter.filter(other, b, s).code).toBe('UnschedulableAndUnresolvable');
  });
});

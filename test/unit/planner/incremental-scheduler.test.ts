import { describe, expect, it } from 'vitest';
import { IncrementalScheduler, type SchedulerNode, type SchedulerPod } from '../../../src/planner/incremental-scheduler.js';
import { affinityTerm, HOSTNAME, podSpec, sel, spread, ZONE } from '../../helpers/sched.js';

const none = { namespaces: [], pvcs: [], pvs: [], storageClasses: [] };

function node(name: string, cpu = 2000): SchedulerNode {
  return { name, labels: { [HOSTNAME]: name }, taints: [], allocatable: { cpu, memory: 8 * 1024 ** 3, pods: 10 }, instanceType: null, zone: null };
}

function pod(key: string, cpu: number, extra: Parameters<typeof podSpec>[0] = {}): SchedulerPod {
  const labels = extra.labels ?? { app: 'x' };
  return { key, namespace: 'default', labels, spec: podSpec({ requests: { cpu }, ...extra }) };
}

describe('IncrementalScheduler', () => {
  it('picks the least requested node that passes every filter, by name on ties', () => {
    const s = new IncrementalScheduler(none);
    s.addNode(node('b'), true);
    s.addNode(node('a'), true);
    expect(s.findNode(pod('p1', 500))).toEqual({ node: 'a' });
    s.addPod(pod('p1', 500), 'a');
    expect(s.findNode(pod('p2', 500))).toEqual({ node: 'b' });
    s.addPod(pod('p2', 1800), 'b');
    const answer = s.findNode(pod('p3', 1600));
    expect(answer.node).toBeNull();
    if (answer.node === null) expect(answer.summary).toBe('0/2 nodes are available: 2 Insufficient cpu.');
    s.removePod('p2');
    expect(s.findNode(pod('p3', 1600))).toEqual({ node: 'b' });
  });

  it('skips unschedulable nodes, and forgets a removed node and its pods', () => {
    const s = new IncrementalScheduler(none);
    s.addNode(node('a'), true);
    s.addNode(node('b'), true);
    s.setSchedulable('a', false);
    expect(s.findNode(pod('p', 100))).toEqual({ node: 'b' });
    s.addPod(pod('q', 1900), 'b');
    s.removeNode('b');
    expect(s.hasPod('q')).toBe(false);
    const answer = s.findNode(pod('p', 100));
    expect(answer.node).toBeNull();
    if (answer.node === null) expect(answer.reasons).toEqual(['node(s) were unschedulable']);
  });

  it('applies required anti-affinity through the planner predicates, including classes seen for the first time', () => {
    const s = new IncrementalScheduler(none);
    s.addNode(node('a'), true);
    s.addNode(node('b'), true);
    const anti = (key: string): SchedulerPod =>
      pod(key, 100, { labels: { app: 'db' }, podAntiAffinity: [affinityTerm(sel({ app: 'db' }), HOSTNAME)] });
    s.addPod(anti('db-0'), 'a');
    expect(s.findNode(anti('db-1'))).toEqual({ node: 'b' });
    s.addPod(anti('db-1'), 'b');
    const answer = s.findNode(anti('db-2'));
    expect(answer.node).toBeNull();
    if (answer.node === null) expect(answer.summary).toContain("didn't match pod anti-affinity rules");
    s.removePod('db-0');
    expect(s.findNode(anti('db-2'))).toEqual({ node: 'a' });
  });

  /**
   * kube-scheduler sees a cordoned node's node.kubernetes.io/unschedulable taint, so under nodeTaintsPolicy Honor its zone is
   * no spread domain and its pods do not count; with the default Ignore, they do. Uncordoning brings it back.
   */
  it('under nodeTaintsPolicy Honor a cordoned node makes no spread domain (its unschedulable taint), as kube-scheduler', () => {
    const zoned = (name: string, zone: string): SchedulerNode => ({ ...node(name), labels: { [HOSTNAME]: name, [ZONE]: zone }, zone });
    const web = (key: string, policy: 'Honor' | 'Ignore'): SchedulerPod =>
      pod(key, 100, { labels: { app: 'web' }, topologySpread: [spread(ZONE, sel({ app: 'web' }), { nodeTaintsPolicy: policy })] });
    const run = (policy: 'Honor' | 'Ignore'): IncrementalScheduler => {
      const s = new IncrementalScheduler(none);
      s.addNode(zoned('a1', 'a'), true);
      s.addNode(zoned('b1', 'b'), true);
      s.addNode(zoned('c1', 'c'), true);
      s.addPod(web('w0', policy), 'a1');
      s.addPod(web('w1', policy), 'b1');
      expect(s.findNode(web('w2', policy))).toEqual({ node: 'c1' });
      s.setSchedulable('c1', false);
      return s;
    };
    // Honor: zones a and b only, 1 + 1 - 1.
    const honor = run('Honor');
    expect(honor.findNode(web('w2', 'Honor'))).toEqual({ node: 'a1' });
    honor.setSchedulable('c1', true);
    expect(honor.findNode(web('w2', 'Honor'))).toEqual({ node: 'c1' });
    // Ignore: zone c still counts 0, and its only node takes no pod.
    const answer = run('Ignore').findNode(web('w2', 'Ignore'));
    expect(answer.node).toBeNull();
    if (answer.node === null) expect(answer.reasons).toContain("node(s) didn't match pod topology spread constraints");
  });
});

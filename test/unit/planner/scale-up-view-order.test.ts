/**
 * scaleUp() answers by position: a placement per pending pod, and the pod indexes each new node was launched for.
 * expected-fleet.ts reads those answers against its own list of stuck pods, so the scale-up view must hand scaleUp() the
 * pending pods in the order it is given them. (It once re-sorted them by namespace/name while the model listed them in
 * queue order: one pod's answer was read as another's, 37,271 pods over 21 of the 71 scale-ups of the 150,000-pod
 * benchmark plan, counted before its evictions were paced. The model now sorts its stuck pods by namespace/name itself, as the world's autoscaler hands them over.)
 */
import { describe, expect, it } from 'vitest';
import { observedResources } from '../../../src/catalog/observed.js';
import type { Cluster, Node, Pod } from '../../../src/model/types.js';
import { RunScheduler, type RunPod } from '../../../src/planner/run-scheduler.js';
import { scaleUp } from '../../../src/planner/scale-up.js';
import { NodesByKind } from '../../../src/planner/nodes-by-kind.js';
import { scaleUpInputOf, type RunViewInput } from '../../../src/planner/scale-up-view.js';
import { catalog, cluster, deployment, generalVng, oldNode } from '../sim/tiny-world.js';

const MI = 1024 ** 2;

function nodesOf(list: readonly Node[]): NodesByKind {
  const nodes = new NodesByKind();
  for (const n of list) nodes.set(n.name, n);
  return nodes;
}

/** The view's input over cluster `c` with nothing launched or booting: the fields each test sets, the rest alike. */
function viewOf(
  c: Cluster,
  fields: Pick<RunViewInput, 'scheduler' | 'nodes' | 'podOf' | 'pending' | 'pendingPodOf'> & { readonly vngs?: RunViewInput['vngs'] },
): ReturnType<typeof scaleUpInputOf> {
  return scaleUpInputOf({ cluster: c, vngs: [generalVng()], catalog, observed: observedResources(c.nodes), architectures: null, launched: [], booting: [], ...fields });
}

describe('scale-up view', () => {
  it('keeps the pending pods in the caller order: each new node names, by position, the pods it was launched for', () => {
    const old = oldNode('old-1', 'i-0000000000000001a');
    const aa = deployment({ name: 'aa', replicas: 1, nodes: ['old-1'] });
    const zz = deployment({ name: 'zz', replicas: 1, nodes: ['old-1'] });
    const c = cluster([{ ...old, unschedulable: true }], [aa, zz]);
    // Each pod can run in one VNG only: the VNG of a new node tells which pod it was launched for.
    const poolOf: Record<string, string> = { aa: 'alpha', zz: 'omega' };
    const pending: Pod[] = c.pods.map((p) => ({
      ...p,
      nodeName: null,
      nodeSelector: { 'vngshift.io/pool': poolOf[p.labels['app'] ?? ''] ?? '' },
      requests: { cpu: 100, memory: 64 * MI, pods: 1 },
    }));
    const sched = new RunScheduler(c);
    sched.addNode(old, false);
    const run = (p: Pod): RunPod => ({ key: `${p.namespace}/${p.name}`, namespace: p.namespace, labels: p.labels, spec: p, classKey: `class-${p.name}` });
    // The caller's order (zz first) is not namespace/name order (aa first).
    const given = [...pending].sort((a, b) => (a.name < b.name ? 1 : -1));
    expect(given.map((p) => p.labels['app'])).toEqual(['zz', 'aa']);
    for (const p of given) sched.know(run(p));
    const vngs = [
      generalVng({ id: 'ols-alpha', name: 'alpha', labels: { 'vngshift.io/pool': 'alpha' } }),
      generalVng({ id: 'ols-omega', name: 'omega', labels: { 'vngshift.io/pool': 'omega' } }),
    ];
    const byKey = new Map(given.map((p) => [`${p.namespace}/${p.name}`, p]));
    const input = viewOf(c, { vngs, scheduler: sched, nodes: nodesOf([{ ...old, unschedulable: true }]), podOf: (r) => byKey.get(r.key), pending: given.map(run) });
    expect(input.pending.map((p) => p.name)).toEqual(given.map((p) => p.name));
    const result = scaleUp(input);
    expect(result.newNodes).toHaveLength(2);
    for (const n of result.newNodes) {
      expect(n.pods).toHaveLength(1);
      const meant = given[n.pods[0] as number];
      expect(poolOf[meant?.labels['app'] ?? ''], `node of ${n.vng} launched for ${meant?.name}`).toBe(n.vng);
    }
  });

  it('refuses a pending pod the scheduler does not hold (its answer would be read against another pod)', () => {
    const old = oldNode('old-1', 'i-0000000000000001a');
    const c = cluster([{ ...old, unschedulable: true }], [deployment({ name: 'aa', replicas: 1, nodes: ['old-1'] })]);
    const p = c.pods[0] as Pod;
    const sched = new RunScheduler(c);
    sched.addNode(old, false);
    const stray: RunPod = { key: 'default/nobody', namespace: 'default', labels: {}, spec: p, classKey: 'class-x' };
    expect(() => viewOf(c, { scheduler: sched, nodes: nodesOf([old]), podOf: () => undefined, pending: [stray] })).toThrow(/default\/nobody/);
  });

  it("hands over the caller's own Pending pods (pendingPodOf) with their class keys known, and answers as with copies", () => {
    const old = oldNode('old-1', 'i-0000000000000001a');
    const web = deployment({ name: 'web', replicas: 3, nodes: ['old-1'] });
    const c = cluster([{ ...old, unschedulable: true }], [web]);
    const run = (p: Pod): RunPod => ({ key: `${p.namespace}/${p.name}`, namespace: p.namespace, labels: p.labels, spec: p, classKey: `class-${p.labels['app'] ?? ''}` });
    const make = (kept: ReadonlyMap<string, Pod> | null): ReturnType<typeof scaleUpInputOf> => {
      const sched = new RunScheduler(c);
      sched.addNode(old, false);
      for (const p of c.pods) sched.know(run(p));
      const byKey = new Map(c.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
      return viewOf(c, {
        scheduler: sched,
        nodes: nodesOf([{ ...old, unschedulable: true }]),
        podOf: (r) => byKey.get(r.key),
        ...(kept !== null ? { pendingPodOf: (r: RunPod) => kept.get(r.key) } : {}),
        pending: c.pods.map(run),
      });
    };
    // The pods still name their old node: the view's own copies are Pending ones; the caller's are made Pending by it.
    expect(c.pods.every((p) => p.nodeName === 'old-1')).toBe(true);
    const kept = new Map(c.pods.map((p) => [`${p.namespace}/${p.name}`, { ...p, nodeName: null }]));
    const own = make(kept);
    const copied = make(null);
    expect(own.pending).toHaveLength(3);
    own.pending.forEach((p, i) => {
      expect(p).toBe(kept.get(`${p.namespace}/${p.name}`));
      expect(copied.pending[i]).not.toBe(p);
      expect(copied.pending[i]).toEqual(p);
      expect(own.knownClassKey?.(p)).toBe('class-web');
      expect(copied.knownClassKey?.(copied.pending[i] as Pod)).toBe('class-web');
    });
    expect(scaleUp(own)).toEqual(scaleUp(copied));
    // A pod the caller keeps no object for (undefined) is copied by the view, as without pendingPodOf.
    const none = make(new Map());
    none.pending.forEach((p, i) => {
      expect(p).not.toBe(kept.get(`${p.namespace}/${p.name}`));
      expect(p).toEqual(own.pending[i]);
      expect(none.knownClassKey?.(p)).toBe('class-web');
    });
  });
});

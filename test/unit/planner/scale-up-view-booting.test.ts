/**
 * The scale-up view keeps, per booting node, what the pods of its list request and their classes, and brings them to the
 * next list by taking off the pods gone and adding the new ones (scale-up-view.ts bootingSplit): a node without a pod of a
 * relevant class takes that sum off its room. The view must be the one a fresh node gives: after pods are pushed, left out,
 * pushed again, after the relevant classes change and back again, and with a resource the node does not offer.
 */
import { describe, expect, it } from 'vitest';
import { observedResources } from '../../../src/catalog/observed.js';
import type { Node, Pod } from '../../../src/model/types.js';
import { NodesByKind } from '../../../src/planner/nodes-by-kind.js';
import { RunScheduler, runPodOf, type RunPod } from '../../../src/planner/run-scheduler.js';
import { scaleUpInputOf, type BootingPod } from '../../../src/planner/scale-up-view.js';
import type { ScaleUpInput } from '../../../src/planner/scale-up.js';
import { affinityTerm, HOSTNAME, sel } from '../../helpers/sched.js';
import { catalog, cluster, deployment, generalVng, oldNode } from '../sim/tiny-world.js';

const MI = 1024 ** 2;

describe('scale-up view: booting nodes', () => {
  it('gives the view a fresh list of the booting pods gives, as pods are pushed and the relevant classes change', () => {
    const old: Node = { ...oldNode('old-1', 'i-0000000000000001a'), unschedulable: true };
    const booting: Node = { ...oldNode('new-1', 'i-0000000000000002a'), ready: false };
    const web = deployment({ name: 'web', replicas: 4, nodes: ['old-1'], cpu: 300, memory: 300 * MI });
    const db = deployment({ name: 'db', replicas: 3, nodes: ['old-1'], cpu: 200, memory: 100 * MI });
    const c = cluster([old], [web, db]);
    const run = (p: Pod): RunPod => runPodOf(`${p.namespace}/${p.name}`, p.namespace, p.labels, p);
    const sched = new RunScheduler(c);
    sched.addNode(old, false);
    // Pending pods: one kept off the web pods' nodes (their class counts), one without rules (none counts).
    const spread: Pod = { ...(web.pods[0] as Pod), name: 'spread', uid: 'spread', nodeName: null, labels: { app: 'spread' }, podAntiAffinity: [affinityTerm(sel({ app: 'web' }), HOSTNAME)] };
    const plain: Pod = { ...(db.pods[0] as Pod), name: 'plain', uid: 'plain', nodeName: null, labels: { app: 'plain' } };
    const pods = new Map<string, Pod>([spread, plain].map((p) => [`${p.namespace}/${p.name}`, p]));
    for (const p of [spread, plain, ...c.pods]) sched.know(run(p));
    const nodes = new NodesByKind();
    nodes.set(old.name, old);
    const viewOf = (pending: Pod, list: readonly BootingPod[], node: Node = booting): ScaleUpInput['view'] =>
      scaleUpInputOf({
        cluster: c,
        vngs: [generalVng()],
        catalog,
        observed: observedResources(c.nodes),
        architectures: null,
        scheduler: sched,
        nodes,
        podOf: (r) => pods.get(r.key),
        launched: [],
        booting: [{ node, pods: list }],
        pending: [run(pending)],
      }).view;
    const bootingPod = (p: Pod): BootingPod => ({ pod: p, classKey: run(p).classKey });
    const webPods = web.pods.map(bootingPod);
    const dbPods = db.pods.map(bootingPod);
    let list: BootingPod[] = [webPods[0], dbPods[0]] as BootingPod[];
    const same = (pending: Pod): void => {
      const kept = viewOf(pending, list);
      // A node object the view has not met: its sums are made from the list alone.
      const fresh = viewOf(pending, [...list], { ...booting });
      expect(kept.nodes).toEqual(fresh.nodes);
      expect(kept.pods).toEqual(fresh.pods);
    };
    same(spread);
    // The web pods on the booting node count for `spread`: they are handed over as they are, the db pods' room taken off.
    const first = viewOf(spread, list);
    expect(first.pods.map((p) => p.name)).toEqual([webPods[0]?.pod.name]);
    expect(first.nodes.find((n) => n.name === 'new-1')?.allocatable['cpu']).toBe((booting.allocatable['cpu'] ?? 0) - 200);
    list.push(webPods[1] as BootingPod, dbPods[1] as BootingPod);
    same(spread);
    same(plain);
    list.push(webPods[2] as BootingPod);
    same(plain);
    same(spread);
    list.push(dbPods[2] as BootingPod, webPods[3] as BootingPod);
    same(spread);
    const last = viewOf(spread, list);
    expect(last.pods.map((p) => p.name)).toEqual(web.pods.map((p) => p.name));
    expect(last.nodes.find((n) => n.name === 'new-1')?.allocatable['cpu']).toBe((booting.allocatable['cpu'] ?? 0) - 600);
    // Pods left out (a new list), in the middle and at the end, then one pushed again.
    list = list.filter((p) => p !== dbPods[1] && p !== webPods[3]);
    same(plain);
    same(spread);
    list = [...list.filter((p) => p !== webPods[0]), webPods[3] as BootingPod, dbPods[1] as BootingPod];
    same(plain);
    list = [dbPods[2] as BootingPod, ...list];
    same(plain);
    same(spread);
    // A pod that requests what the node does not offer, then gone again.
    const gpu: BootingPod = { pod: { ...(db.pods[2] as Pod), name: 'gpu', requests: { ...(db.pods[2] as Pod).requests, 'nvidia.com/gpu': 1 } }, classKey: dbPods[2]?.classKey ?? '' };
    list = [...list, gpu];
    same(plain);
    list = list.filter((p) => p !== gpu);
    same(plain);
    list = [];
    same(plain);
    same(spread);
  });
});

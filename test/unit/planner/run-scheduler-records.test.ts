/**
 * The run scheduler's pod records (src/planner/run-scheduler.ts PlacedPod): addPod answers a record, removePod takes it
 * back once, a pod may be recorded twice at once (its old copy terminating where it was, its replacement elsewhere), and the
 * lists podsOn and podsOfClasses give keep the order the pods were recorded in, whatever was removed in between.
 */
import { describe, expect, it } from 'vitest';
import { RunScheduler, type RunNode } from '../../../src/planner/run-scheduler.js';
import { HOSTNAME } from '../../helpers/sched.js';
import { NO_CATALOG, runPod } from '../../helpers/run-sched.js';

function node(name: string): RunNode {
  return { name, labels: { [HOSTNAME]: name }, taints: [], allocatable: { cpu: 4000, memory: 8 * 1024 ** 3, pods: 20 }, instanceType: null, zone: null };
}

const keys = (list: readonly { readonly pod: { readonly key: string } }[]): string[] => list.map((r) => r.pod.key);

describe('RunScheduler records', () => {
  it('keeps each list in the order recorded, through removals, a second record of one pod and a node removed', () => {
    const s = new RunScheduler(NO_CATALOG);
    s.addNode(node('a'), true);
    s.addNode(node('b'), true);
    const web = ['w1', 'w2', 'w3'].map((k) => runPod(k, 500, { labels: { app: 'web' } }));
    const db = runPod('d1', 500, { labels: { app: 'db' } });
    const [w1, w2, w3] = web.map((p) => s.addPod(p, 'a'));
    const d1 = s.addPod(db, 'b');
    expect(keys(s.podsOn('a'))).toEqual(['w1', 'w2', 'w3']);
    // The middle one goes, then comes back on b: last of b's pods and of its class, its old record gone for good.
    s.removePod(w2 as NonNullable<typeof w2>);
    expect(w2?.removed).toBe(true);
    const again = s.addPod(web[1] as NonNullable<(typeof web)[1]>, 'b');
    expect(keys(s.podsOn('a'))).toEqual(['w1', 'w3']);
    expect(keys(s.podsOn('b'))).toEqual(['d1', 'w2']);
    expect(keys(s.podsOfClasses([web[0]?.classKey ?? '']))).toEqual(['w1', 'w3', 'w2']);
    // Removing a record twice changes nothing (the requests are taken off once).
    s.removePod(w2 as NonNullable<typeof w2>);
    expect(s.requested('a')?.['cpu']).toBe(1000);
    // A pod recorded twice: w1 terminating on a while its replacement runs on b; both records count, each goes alone.
    const w1b = s.addPod(web[0] as NonNullable<(typeof web)[0]>, 'b');
    expect(keys(s.podsOn('a'))).toEqual(['w1', 'w3']);
    expect(keys(s.podsOn('b'))).toEqual(['d1', 'w2', 'w1']);
    expect(s.requested('b')?.['cpu']).toBe(1500);
    s.removePod(w1 as NonNullable<typeof w1>);
    expect(keys(s.podsOn('a'))).toEqual(['w3']);
    expect(w1b.removed).toBe(false);
    expect(keys(s.podsOfClasses([web[0]?.classKey ?? '']))).toEqual(['w3', 'w2', 'w1']);
    // A node removed takes its records with it; the others stay, in order.
    s.removeNode('b');
    expect([again.removed, w1b.removed, d1.removed]).toEqual([true, true, true]);
    expect(w3?.removed).toBe(false);
    expect(keys(s.podsOfClasses(null))).toEqual(['w3']);
    expect(s.podsOn('b')).toEqual([]);
  });
});

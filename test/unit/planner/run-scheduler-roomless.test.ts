import { describe, expect, it } from 'vitest';
import { RunScheduler, type RunNode, type RunPod } from '../../../src/planner/run-scheduler.js';
import { affinityTerm, GI, HOSTNAME, sel, spread, ZONE, type PodInput } from '../../helpers/sched.js';
import { NO_CATALOG, runPod, seeded } from '../../helpers/run-sched.js';

function node(name: string, cpu: number, zone: string, pods = 10): RunNode {
  return { name, labels: { [HOSTNAME]: name, [ZONE]: zone }, taints: [], allocatable: { cpu, memory: 8 * GI, pods }, instanceType: null, zone };
}

describe('RunScheduler.best with roomless', () => {
  it('a pod with spread rules that found no node with room then looks at the one new node alone, as the full search would', () => {
    const s = new RunScheduler(NO_CATALOG);
    s.addNode(node('a', 1000, 'z1'), true);
    const spreadPod = (key: string): RunPod =>
      runPod(key, 800, { labels: { app: 'web' }, topologySpread: [spread(ZONE, sel({ app: 'web' }), { whenUnsatisfiable: 'DoNotSchedule' })] });
    const first = spreadPod('p1');
    const second = spreadPod('p2');
    s.know(first);
    expect(s.best(first)).toBe('a');
    s.addPod(first, 'a');
    expect(s.best(second)).toBeNull();
    expect(s.lastRoomless).toBe(true);
    s.addNode(node('b', 1000, 'z2'), true);
    expect(s.best(second, 'b', true)).toBe('b');
    expect(s.lastRoomless).toBe(false);
    // A new node with no room: still none with room.
    s.addNode(node('c', 500, 'z1'), true);
    expect(s.best(second, 'c', true)).toBeNull();
    expect(s.lastRoomless).toBe(true);
  });

  it('gives the node the full search gives while nodes come one at a time and the others only fill up (random clusters and pods)', () => {
    const next = seeded(7);
    let roomlessCalls = 0;
    let placedThatWay = 0;
    for (let round = 0; round < 60; round++) {
      // Two schedulers fed the same: `full` always searches every node, `fast` is told the one new node and the memo.
      const full = new RunScheduler(NO_CATALOG);
      const fast = new RunScheduler(NO_CATALOG);
      const zones = ['z1', 'z2', 'z3'];
      const addNode = (n: RunNode, schedulable: boolean): void => {
        full.addNode(n, schedulable);
        fast.addNode(n, schedulable);
      };
      addNode(node('n0', 1000, 'z1'), true);
      const pending: RunPod[] = [];
      for (let i = 0; i < 40; i++) {
        const cpu = [250, 500, 750][Math.floor(next() * 3)] as number;
        const app = `w${Math.floor(next() * 4)}`;
        const r = next();
        const extra: PodInput =
          r < 0.35
            ? { topologySpread: [spread(next() < 0.5 ? ZONE : HOSTNAME, sel({ app }))] }
            : r < 0.6
              ? { podAntiAffinity: [affinityTerm(sel({ app }), HOSTNAME)] }
              : r < 0.75
                ? { nodeSelector: { [ZONE]: 'z2' }, topologySpread: [spread(HOSTNAME, sel({ app }))] }
                : {};
        pending.push(runPod(`p${round}-${i}`, cpu, { labels: { app, i: String(i) }, ...extra }));
      }
      for (const p of pending) {
        full.know(p);
        fast.know(p);
      }
      const roomless = new Map<string, boolean>();
      let onlyNew: string | undefined;
      for (let step = 0; step < 12 && pending.length > 0; step++) {
        const left: RunPod[] = [];
        for (const p of pending) {
          const want = full.best(p);
          const memo = roomless.get(p.key) ?? false;
          if (onlyNew !== undefined && memo) roomlessCalls += 1;
          const got = fast.best(p, onlyNew, memo);
          expect(got, `${p.key} at step ${step}`).toBe(want);
          if (got === null) {
            roomless.set(p.key, fast.lastRoomless);
            left.push(p);
            continue;
          }
          if (onlyNew !== undefined && memo) placedThatWay += 1;
          full.addPod(p, got);
          fast.addPod(p, got);
        }
        pending.length = 0;
        pending.push(...left);
        onlyNew = `n${step + 1}`;
        addNode(node(onlyNew, [500, 1000, 1500][Math.floor(next() * 3)] as number, zones[Math.floor(next() * 3)] as string, 2 + Math.floor(next() * 4)), next() < 0.9);
      }
    }
    expect(roomlessCalls).toBeGreaterThan(200);
    expect(placedThatWay).toBeGreaterThan(20);
  });
});

import { describe, expect, it } from 'vitest';
import { RunScheduler, runPodOf, type RunNode, type RunPod } from '../../../src/planner/run-scheduler.js';
import { affinityTerm, GI, HOSTNAME, podSpec, sel, toleration, ZONE, type PodInput } from '../../helpers/sched.js';

const none = { namespaces: [], pvcs: [], pvs: [], storageClasses: [] };

function node(name: string, cpu = 2000, zone = 'a'): RunNode {
  return { name, labels: { [HOSTNAME]: name, [ZONE]: zone }, taints: [], allocatable: { cpu, memory: 8 * GI, pods: 10 }, instanceType: null, zone };
}

function pod(key: string, cpu: number, extra: PodInput = {}): RunPod {
  return runPodOf(key, 'default', extra.labels ?? { app: key }, podSpec({ requests: { cpu }, ...extra }));
}

/** A small seeded generator (mulberry32), so the random cases are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('RunScheduler.failureGroup', () => {
  it('groups classes that differ only in labels no rule reads, and keeps requests and node constraints apart', () => {
    const s = new RunScheduler(none);
    s.addNode(node('a'), true);
    const p1 = pod('p1', 500, { labels: { app: 'one' } });
    const p2 = pod('p2', 500, { labels: { app: 'two', tier: 'web' } });
    const bigger = pod('p3', 600, { labels: { app: 'one' } });
    const tolerant = pod('p4', 500, { labels: { app: 'one' }, tolerations: [toleration('dedicated', 'Exists')] });
    for (const p of [p1, p2, bigger, tolerant]) s.know(p);
    expect(p1.classKey).not.toBe(p2.classKey);
    const g = s.failureGroup(p1);
    expect(g).toBeGreaterThanOrEqual(0);
    expect(s.failureGroup(p2)).toBe(g);
    expect(s.failureGroup(bigger)).not.toBe(g);
    expect(s.failureGroup(tolerant)).not.toBe(g);
    expect(s.failureGroup(tolerant)).not.toBe(s.failureGroup(bigger));
  });

  it('gives none to a class with inter-pod rules, host ports, or selected by an anti-affinity term', () => {
    const s = new RunScheduler(none);
    s.addNode(node('a'), true);
    const anti = pod('anti', 100, { labels: { app: 'anti' }, podAntiAffinity: [affinityTerm(sel({ app: 'target' }), HOSTNAME)] });
    const target = pod('target', 100, { labels: { app: 'target' } });
    const ports = pod('ports', 100, { hostPorts: [{ port: 8080, protocol: 'TCP', hostIP: '' }] });
    const plain = pod('plain', 100, { labels: { app: 'plain' } });
    for (const p of [anti, target, ports, plain]) s.know(p);
    expect(s.failureGroup(anti)).toBe(-1);
    expect(s.failureGroup(target)).toBe(-1);
    expect(s.failureGroup(ports)).toBe(-1);
    expect(s.failureGroup(plain)).toBeGreaterThanOrEqual(0);
  });

  it('holds for a build: a class newly selected by an anti-affinity term loses its group after the next build', () => {
    const s = new RunScheduler(none);
    s.addNode(node('a'), true);
    const target = pod('target', 100, { labels: { app: 'target' } });
    s.know(target);
    expect(s.failureGroup(target)).toBeGreaterThanOrEqual(0);
    const build = s.build;
    s.know(pod('anti', 100, { labels: { app: 'anti' }, podAntiAffinity: [affinityTerm(sel({ app: 'target' }), HOSTNAME)] }));
    expect(s.build).toBe(-1);
    expect(s.failureGroup(target)).toBe(-1);
    expect(s.build).toBeGreaterThan(build);
  });

  it('pods of one group find no node alike while nodes only fill up (random clusters and pods)', () => {
    const next = prng(12);
    let checked = 0;
    for (let round = 0; round < 40; round++) {
      const s = new RunScheduler(none);
      const nodes = 2 + Math.floor(next() * 5);
      for (let i = 0; i < nodes; i++) s.addNode(node(`n${i}`, 1000 + 500 * Math.floor(next() * 4), next() < 0.5 ? 'a' : 'b'), next() < 0.9);
      const pods: RunPod[] = [];
      for (let i = 0; i < 60; i++) {
        const cpu = [250, 500, 750][Math.floor(next() * 3)] as number;
        const zoneOnly = next() < 0.3 ? { nodeSelector: { [ZONE]: 'a' } } : {};
        pods.push(pod(`p${round}-${i}`, cpu, { labels: { app: `w${Math.floor(next() * 20)}`, i: String(i) }, ...zoneOnly }));
      }
      for (const p of pods) s.know(p);
      const failed = new Map<number, string>();
      for (const p of pods) {
        const group = s.failureGroup(p);
        const node = s.best(p);
        if (group >= 0 && failed.has(group)) {
          expect(node, `${p.key} after ${failed.get(group)} found no node`).toBeNull();
          checked += 1;
        }
        if (node === null) {
          if (group >= 0 && !failed.has(group)) failed.set(group, p.key);
        } else s.addPod(p, node);
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});

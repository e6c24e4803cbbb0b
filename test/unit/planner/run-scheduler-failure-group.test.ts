import { describe, expect, it } from 'vitest';
import { RunScheduler, type RunNode, type RunPod } from '../../../src/planner/run-scheduler.js';
import { affinityTerm, GI, HOSTNAME, sel, toleration, ZONE } from '../../helpers/sched.js';
import { NO_CATALOG, runPod, seeded } from '../../helpers/run-sched.js';

function node(name: string, cpu = 2000, zone = 'a'): RunNode {
  return { name, labels: { [HOSTNAME]: name, [ZONE]: zone }, taints: [], allocatable: { cpu, memory: 8 * GI, pods: 10 }, instanceType: null, zone };
}

describe('RunScheduler.failureGroup', () => {
  it('groups classes that differ only in labels no rule reads, and keeps requests and node constraints apart', () => {
    const s = new RunScheduler(NO_CATALOG);
    s.addNode(node('a'), true);
    const p1 = runPod('p1', 500, { labels: { app: 'one' } });
    const p2 = runPod('p2', 500, { labels: { app: 'two', tier: 'web' } });
    const bigger = runPod('p3', 600, { labels: { app: 'one' } });
    const tolerant = runPod('p4', 500, { labels: { app: 'one' }, tolerations: [toleration('dedicated', 'Exists')] });
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
    const s = new RunScheduler(NO_CATALOG);
    s.addNode(node('a'), true);
    const anti = runPod('anti', 100, { labels: { app: 'anti' }, podAntiAffinity: [affinityTerm(sel({ app: 'target' }), HOSTNAME)] });
    const target = runPod('target', 100, { labels: { app: 'target' } });
    const ports = runPod('ports', 100, { hostPorts: [{ port: 8080, protocol: 'TCP', hostIP: '' }] });
    const plain = runPod('plain', 100, { labels: { app: 'plain' } });
    for (const p of [anti, target, ports, plain]) s.know(p);
    expect(s.failureGroup(anti)).toBe(-1);
    expect(s.failureGroup(target)).toBe(-1);
    expect(s.failureGroup(ports)).toBe(-1);
    expect(s.failureGroup(plain)).toBeGreaterThanOrEqual(0);
  });

  it('holds for a build: a class newly selected by an anti-affinity term loses its group after the next build', () => {
    const s = new RunScheduler(NO_CATALOG);
    s.addNode(node('a'), true);
    const target = runPod('target', 100, { labels: { app: 'target' } });
    s.know(target);
    expect(s.failureGroup(target)).toBeGreaterThanOrEqual(0);
    const build = s.build;
    s.know(runPod('anti', 100, { labels: { app: 'anti' }, podAntiAffinity: [affinityTerm(sel({ app: 'target' }), HOSTNAME)] }));
    expect(s.build).toBe(-1);
    expect(s.failureGroup(target)).toBe(-1);
    expect(s.build).toBeGreaterThan(build);
  });

  it('pods of one group find no node alike while nodes only fill up (random clusters and pods)', () => {
    const next = seeded(12);
    let checked = 0;
    for (let round = 0; round < 40; round++) {
      const s = new RunScheduler(NO_CATALOG);
      const nodes = 2 + Math.floor(next() * 5);
      for (let i = 0; i < nodes; i++) s.addNode(node(`n${i}`, 1000 + 500 * Math.floor(next() * 4), next() < 0.5 ? 'a' : 'b'), next() < 0.9);
      const pods: RunPod[] = [];
      for (let i = 0; i < 60; i++) {
        const cpu = [250, 500, 750][Math.floor(next() * 3)] as number;
        const zoneOnly = next() < 0.3 ? { nodeSelector: { [ZONE]: 'a' } } : {};
        pods.push(runPod(`p${round}-${i}`, cpu, { labels: { app: `w${Math.floor(next() * 20)}`, i: String(i) }, ...zoneOnly }));
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

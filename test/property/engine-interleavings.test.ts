/**
 * Interleavings (fast-check's scheduler): the engine's asynchronous steps against the world's own events in every order
 * fast-check chooses. Each port call of the engine (cordon, evict, delete, terminate, save, sleep...) completes only when
 * the scheduler lets it, and between any two of them the scheduler may run a concurrent event instead: `vngshift stop`
 * written by another process, a crash of the engine process (its calls in flight reach the server or not, their answers are
 * lost, and a new process resumes from the persisted state), a PDB that starts allowing disruptions, an API outage and its end.
 *
 * Checked at every call and at the end, independently of the engine's own bookkeeping:
 * - no instance is terminated while a pod other than a DaemonSet or mirror pod still runs on its node (invariant 4), and
 *   only old nodes' instances are terminated (invariant 5);
 * - a pod a PDB protects is deleted only when forcePodEvictionOnPdbFailure allows it (invariant 2);
 * - the run ends, its persisted status is final, and: Completed moves every pod and terminates every old instance; Stopped
 *   leaves no old node cordoned that still has pods (invariant 6: drained nodes may stay cordoned); Failed names a failure code and objects.
 * A failure prints fast-check's seed, path and the scheduler's report (the order of the calls and events).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MigrationEngine } from '../../src/engine/engine.js';
import type { Ports } from '../../src/engine/ports.js';
import { initialState, type EnginePlan, type MigrationState } from '../../src/engine/state.js';
import { DEFAULT_PARAMS } from '../../src/model/params.js';
import { interleavingShapeArb as shapeArb, type InterleavingShape as Shape } from '../arbitraries/index.js';
import { FakeWorld } from '../helpers/fake-ports.js';

/** Time limit of the fake world (seconds): far past any plan bound used here. */
const HORIZON = 50_000;

async function interleaved(shape: Shape, s: fc.Scheduler): Promise<void> {
  const w = new FakeWorld();
  const oldNodes: { name: string; instanceId: string }[] = [];
  for (let i = 0; i < shape.nodes; i++) {
    const name = `old-${i}`;
    w.addNode(name, `i-old${i}`);
    oldNodes.push({ name, instanceId: `i-old${i}` });
    for (let j = 0; j < shape.podsPerNode; j++) w.addPod('shop', `web-${i}-${j}`, name, `rs-${j}`);
    w.addPod('kube-system', `ds-${i}`, name, 'ds', { isDaemonSet: true, ownerKind: 'DaemonSet' });
  }
  const protectedPods = new Set<string>();
  for (let b = 0; b < shape.blocked; b++) protectedPods.add(`shop/web-0-${b % shape.podsPerNode}`);
  for (const k of protectedPods) w.faults.pdbBlocked.add(k);

  const batches: { nodes: string[] }[] = [];
  for (let i = 0; i < oldNodes.length; i += shape.batchNodes) batches.push({ nodes: oldNodes.slice(i, i + shape.batchNodes).map((n) => n.name) });
  const plan: EnginePlan = {
    oldNodes,
    batches,
    params: { ...DEFAULT_PARAMS, forcePodEvictionOnPdbFailure: shape.force, batchTimeBudgetSeconds: 600, drainTimeThresholdSeconds: 300 },
    boundSeconds: 20_000,
  };

  const violations: string[] = [];
  let incarnation = 0;
  let finished = false;
  let finalState: MigrationState | null = null;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  /** Calls in flight: their effect, not yet applied, by the incarnation that made them. */
  const inFlight = new Map<number, { inc: number; apply: () => void }>();
  let callSeq = 0;

  const checkTerminate = (ids: readonly string[]): void => {
    for (const id of ids) {
      const node = [...w.nodes.values()].find((n) => n.instanceId === id);
      if (!oldNodes.some((o) => o.instanceId === id)) violations.push(`terminated ${id}, not an old node's instance`);
      if (!node) continue;
      const busy = [...w.pods.values()].filter((p) => p.nodeName === node.name && !p.isDaemonSet && !p.isMirror && !p.terminating);
      if (busy.length > 0) violations.push(`terminated ${id} while ${busy.map((p) => p.name).join(',')} ran on ${node.name}`);
    }
  };

  const portsFor = (inc: number): Ports => {
    const base = w.ports();
    /** The call reaches the world when the scheduler says so; a crashed incarnation never gets its answer. */
    const gate = <T>(label: string, effect: () => Promise<T>): Promise<T> => {
      const id = ++callSeq;
      let result: Promise<T> | null = null;
      inFlight.set(id, {
        inc,
        apply: () => {
          result = effect();
          result.catch(() => undefined);
        },
      });
      return s.schedule(Promise.resolve(label), `${label} (engine ${inc})`).then(() => {
        const pending = inFlight.get(id);
        if (pending) {
          inFlight.delete(id);
          pending.apply();
        }
        if (inc !== incarnation || result === null) return new Promise<T>(() => undefined); // answer lost with the process
        return result;
      });
    };
    return {
      ...base,
      cluster: {
        ...base.cluster,
        snapshot: () => base.cluster.snapshot(),
        cordon: (n) => gate(`cordon ${n}`, () => base.cluster.cordon(n)),
        uncordon: (n) => gate(`uncordon ${n}`, () => base.cluster.uncordon(n)),
        evict: (ns, n) => gate(`evict ${ns}/${n}`, () => base.cluster.evict(ns, n)),
        deletePod: (ns, n) =>
          gate(`delete ${ns}/${n}`, () => {
            if (protectedPods.has(`${ns}/${n}`) && w.faults.pdbBlocked.has(`${ns}/${n}`) && !shape.force) violations.push(`deleted PDB-protected ${ns}/${n} without forcePodEvictionOnPdbFailure`);
            return base.cluster.deletePod(ns, n);
          }),
        deleteNode: (n) => gate(`delete-node ${n}`, () => base.cluster.deleteNode(n)),
        saveState: (st) => gate('save state', () => base.cluster.saveState(st)),
        loadState: (id) => gate('load state', () => base.cluster.loadState(id)),
        stopRequest: (id) => gate('read stop request', () => base.cluster.stopRequest(id)),
      },
      cloud: {
        terminateInstances: (ids) =>
          gate(`terminate ${ids.join(',')}`, () => {
            checkTerminate(ids);
            return base.cloud.terminateInstances(ids);
          }),
      },
      clock: {
        now: () => w.t,
        sleep: (sec) =>
          gate(`sleep ${sec}`, async () => {
            w.t += sec;
            if (w.t > HORIZON) violations.push(`still running at t=${w.t}`);
          }),
      },
    };
  };

  const start = (): void => {
    const inc = incarnation;
    void MigrationEngine.resumeOrStart(portsFor(inc), initialState('m1', plan, w.t))
      .then(async (e) => {
        if (inc !== incarnation) return;
        const st = await e.run();
        if (inc !== incarnation || finished) return;
        finished = true;
        finalState = st;
        resolveDone();
      })
      .catch((err: unknown) => {
        violations.push(`engine ${inc} threw: ${err instanceof Error ? err.message : String(err)}`);
        finished = true;
        resolveDone();
      });
  };

  // Concurrent events, each released by the scheduler at a moment of its choosing.
  let crashIndex = 0;
  for (let c = 0; c < shape.crashes; c++) {
    void s.schedule(Promise.resolve('crash'), 'engine crash').then(() => {
      if (finished) return;
      const dead = incarnation;
      incarnation += 1;
      // The dead process's calls in flight reach the server or not (as drawn); none is answered.
      for (const [id, call] of [...inFlight]) {
        if (call.inc !== dead) continue;
        inFlight.delete(id);
        if (shape.reached[crashIndex++ % shape.reached.length] === true) call.apply();
      }
      start();
    });
  }
  if (shape.stop !== null) {
    const terminateDrained = shape.stop.terminateDrained;
    void s.schedule(Promise.resolve('stop'), 'vngshift stop').then(() => {
      w.stop = { terminateDrained, requestedAt: w.t };
      w.stopAt = w.t;
    });
  }
  if (shape.unblock) void s.schedule(Promise.resolve('unblock'), 'PDB allows disruptions').then(() => w.faults.pdbBlocked.clear());
  if (shape.outage) {
    void s.schedule(Promise.resolve('down'), 'API down').then(() => {
      w.faults.apiDown = true;
      void s.schedule(Promise.resolve('up'), 'API back').then(() => {
        w.faults.apiDown = false;
      });
    });
  }

  start();
  await s.waitFor(done);

  const report = `${violations.join('\n')}\nschedule:\n${s.report().map((r) => `${r.status} ${r.label}`).join('\n')}`;
  expect(violations, report).toEqual([]);
  const st = finalState as MigrationState | null;
  expect(st, report).not.toBeNull();
  if (st === null) return;
  expect(['Completed', 'Failed', 'Stopped'], report).toContain(st.status);
  expect(w.saved?.status, report).toBe(st.status);
  const present = (name: string) => w.nodes.get(name);
  if (st.status === 'Completed') {
    expect([...w.terminated].sort(), report).toEqual(oldNodes.map((n) => n.instanceId).sort());
    const left = [...w.pods.values()].filter((p) => !p.isDaemonSet && p.nodeName !== null && p.nodeName.startsWith('old-'));
    expect(left.map((p) => p.name), report).toEqual([]);
  } else if (st.status === 'Stopped') {
    for (const { name, instanceId } of oldNodes) {
      const n = present(name);
      if (!n || w.terminated.includes(instanceId) || !n.unschedulable) continue;
      // A drained node may stay cordoned (it is terminated only when the stop asks for it); one with pods may not.
      const busy = [...w.pods.values()].filter((p) => p.nodeName === name && !p.isDaemonSet && !p.isMirror);
      expect(busy.map((p) => p.name), `${name} left cordoned after stop with pods on it\n${report}`).toEqual([]);
    }
  } else {
    expect(st.failure?.code, report).toBeDefined();
    expect(st.failure?.objects.length ?? 0, report).toBeGreaterThan(0);
  }
}

describe('property (interleavings): the engine against concurrent stops, crashes, PDB changes and outages in any order', () => {
  it('keeps invariants 2, 4, 5, 6 and ends, whatever order the scheduler picks', async () => {
    let stopped = 0;
    let crashed = 0;
    await fc.assert(
      fc.asyncProperty(shapeArb, fc.scheduler(), async (shape, s) => {
        await interleaved(shape, s);
        if (shape.stop !== null) stopped += 1;
        if (shape.crashes > 0) crashed += 1;
      }),
      { numRuns: 1000 },
    );
    expect(stopped).toBeGreaterThan(200);
    expect(crashed).toBeGreaterThan(200);
  });
});

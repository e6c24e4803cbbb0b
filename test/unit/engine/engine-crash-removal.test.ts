/**
 * An engine that dies between a removal request (eviction or deletion) and its answer: the request may have landed, and the
 * engine that resumes must still account for the pod (trace, the batch's evicted list and baseline), as it would have.
 * The chaos sweep found a stand-alone pod removed and never reported this way (an engine crash at the very moment of its
 * eviction); these pin the write-ahead of a drain pass's requests (MigrationState.removing) against the fake ports.
 */
import { describe, expect, it } from 'vitest';
import { MigrationEngine } from '../../../src/engine/engine.js';
import { PortError, type Ports } from '../../../src/engine/ports.js';
import { initialState, type EnginePlan, type MigrationState } from '../../../src/engine/state.js';
import type { FakeWorld } from '../../helpers/fake-ports.js';
import { outage, stepUntil, twoNodePlan, twoNodeWorld, withCluster } from '../../helpers/engine-world.js';

type Crash = 'after-landing' | 'before-landing';

/**
 * The fake's ports, where the request for `victim` never answers: it lands first ('after-landing') or never reaches the
 * API ('before-landing'). The engine that made it is stuck there, as if its process had died.
 */
function dyingAt(w: FakeWorld, victim: string, crash: Crash): Ports {
  const never = new Promise<never>(() => undefined);
  return withCluster(w, (base) => ({
    evict: async (ns, name) => {
      if (`${ns}/${name}` !== victim) return base.evict(ns, name);
      if (crash === 'after-landing') await base.evict(ns, name);
      return never;
    },
    deletePod: async (ns, name) => {
      if (`${ns}/${name}` !== victim) return base.deletePod(ns, name);
      if (crash === 'after-landing') await base.deletePod(ns, name);
      return never;
    },
  }));
}

/** Runs one reconcile of a fresh engine until it is stuck on the victim's request, then resumes a new engine from the saved state. */
async function crashAndResume(w: FakeWorld, plan: EnginePlan, victim: string, crash: Crash): Promise<MigrationEngine> {
  const first = await MigrationEngine.resumeOrStart(dyingAt(w, victim, crash), initialState('m1', plan, 0));
  void first.step();
  // Let the first engine run up to its stuck request.
  for (let i = 0; i < 50; i++) await new Promise<void>((r) => setImmediate(r));
  expect(w.saved, 'the first engine saved its state before its requests').not.toBeNull();
  return MigrationEngine.resumeOrStart(w.ports(), initialState('m1', plan, 0));
}

const removals = (w: FakeWorld, key: string): string[] =>
  w.events.filter((e) => e.object === `Pod ${key}` && ['pod.evicted', 'pod.deleted', 'pod.gone'].includes(e.kind)).map((e) => `${e.kind}${e.detail?.['answerLost'] === true ? ' answerLost' : ''}`);

function withStandAlone(): FakeWorld {
  const w = twoNodeWorld();
  w.addPod('shop', 'debug', 'old-a', null);
  return w;
}

describe('an engine that dies while a removal request is out', () => {
  it('reports a stand-alone pod whose eviction landed: the resumed engine traces it gone and counts it in the batch', async () => {
    const w = withStandAlone();
    const plan = twoNodePlan({ shouldEvictStandAlonePods: true });
    const second = await crashAndResume(w, plan, 'shop/debug', 'after-landing');
    expect(w.pods.has('shop/debug'), 'the eviction landed').toBe(false);
    const saved = w.saved as MigrationState;
    expect(saved.removing?.pods.map((p) => p.pod)).toContain('shop/debug');
    await second.step();
    expect(removals(w, 'shop/debug')).toEqual(['pod.gone answerLost']);
    expect(second.current.batches[0]?.evicted).toContainEqual({ pod: 'shop/debug', ownerUid: null });
    const final = await second.run();
    expect(final.status).toBe('Completed');
    expect(removals(w, 'shop/debug')).toEqual(['pod.gone answerLost']);
    // The list goes with the drain it served.
    expect(final.removing).toBeUndefined();
    expect(w.saved?.removing).toBeUndefined();
  });

  it('reports a stand-alone pod deleted (respectPdb off) the same way', async () => {
    const w = withStandAlone();
    const plan = twoNodePlan({ shouldEvictStandAlonePods: true, respectPdb: false });
    const second = await crashAndResume(w, plan, 'shop/debug', 'after-landing');
    expect(w.calls).toContain('delete shop/debug');
    await second.step();
    expect(removals(w, 'shop/debug')).toEqual(['pod.gone answerLost']);
  });

  it('asks again for a pod whose request never reached the API, and reports it once', async () => {
    const w = withStandAlone();
    const plan = twoNodePlan({ shouldEvictStandAlonePods: true });
    const second = await crashAndResume(w, plan, 'shop/debug', 'before-landing');
    expect(w.pods.has('shop/debug')).toBe(true);
    await second.step();
    expect(w.pods.has('shop/debug')).toBe(false);
    expect(removals(w, 'shop/debug')).toEqual(['pod.evicted']);
  });

  it('waits for the replacement of an evicted controller pod it did not see answered: the baseline was saved with the request', async () => {
    const w = twoNodeWorld();
    // web-1 (old-a, batch 1) and web-2 (old-b) belong to rs-web; web-1's replacement is Ready 20 s after its eviction.
    const plan = twoNodePlan();
    const second = await crashAndResume(w, plan, 'shop/web-1', 'after-landing');
    const saved = w.saved as MigrationState;
    expect(saved.batches[0]?.baseline).toEqual(['shop/web-2']);
    const replacement = [...w.pods.values()].find((p) => p.name.startsWith('web-1-r'));
    expect(replacement, 'the controller made a replacement').toBeDefined();
    const state = await stepUntil(second, w, 200);
    expect(state.status).toBe('Completed');
    expect(removals(w, 'shop/web-1')).toEqual(['pod.gone answerLost']);
    expect(state.lastEvictedAt['rs-web']).toBeDefined();
    const healthy = w.events.find((e) => e.kind === 'batch.healthy' && e.object === 'Batch 1');
    // The gate counted web-1 (two evicted pods: web-1 and api-1) and waited for both replacements to be Ready.
    expect(healthy?.detail).toMatchObject({ evicted: 2, replaced: 2 });
    expect(healthy?.t).toBeGreaterThanOrEqual(w.replacementReadySeconds);
  });

  it('after an API error that cut the pass short, the same engine reports the pod whose request landed unanswered', async () => {
    const w = withStandAlone();
    let failed = false;
    const ports = withCluster(w, (base) => ({
      evict: async (ns, name) => {
        const out = await base.evict(ns, name);
        if (`${ns}/${name}` === 'shop/debug' && !failed) {
          failed = true;
          throw new PortError('connectivity', 'the request timed out');
        }
        return out;
      },
    }));
    const engine = await MigrationEngine.resumeOrStart(ports, initialState('m1', twoNodePlan({ shouldEvictStandAlonePods: true }), 0));
    await engine.step();
    expect(failed).toBe(true);
    expect(engine.current.removing?.pods.map((p) => p.pod)).toContain('shop/debug');
    expect(removals(w, 'shop/debug')).toEqual([]);
    w.t += 5;
    await engine.step();
    expect(removals(w, 'shop/debug')).toEqual(['pod.gone answerLost']);
    const final = await stepUntil(engine, w, 200);
    expect(final.status).toBe('Completed');
    expect(removals(w, 'shop/debug')).toEqual(['pod.gone answerLost']);
  });

  it('a run that fails right after a lost answer still reports the pod at its end, and leaves no list in its final state', async () => {
    const w = twoNodeWorld();
    const ports = withCluster(w, (base) => ({
      evict: async (ns, name) => {
        const out = await base.evict(ns, name);
        // The eviction lands, then the API refuses the engine for good: the run fails (ConnectivityLost) at once.
        if (`${ns}/${name}` === 'shop/web-1') throw new PortError('forbidden', 'evictions is forbidden');
        return out;
      },
    }));
    const engine = await MigrationEngine.resumeOrStart(ports, initialState('m1', twoNodePlan(), 0));
    const final = await engine.run();
    expect(final.status).toBe('Failed');
    expect(w.pods.has('shop/web-1')).toBe(false);
    expect(removals(w, 'shop/web-1')).toEqual(['pod.gone answerLost']);
    expect(final.batches[0]?.evicted.map((e) => e.pod)).toContain('shop/web-1');
    expect(final.removing).toBeUndefined();
    expect(w.saved?.removing).toBeUndefined();
  });

  it('after an error, only the request that was out is looked at: a listed pod something else removed earlier is not the migration\'s', async () => {
    const w = twoNodeWorld();
    w.faults.pdbBlocked.add('shop/web-1');
    w.faults.pdbBlocked.add('shop/api-1');
    let tries = 0;
    const ports = withCluster(w, (base) => ({
      evict: async (ns, name) => {
        if (`${ns}/${name}` === 'shop/api-1' && ++tries === 2) throw new PortError('connectivity', 'connection reset');
        return base.evict(ns, name);
      },
    }));
    const engine = await MigrationEngine.resumeOrStart(ports, initialState('m1', twoNodePlan(), 0));
    await engine.step();
    expect(engine.current.removing?.pods.map((p) => p.pod).sort()).toEqual(['shop/api-1', 'shop/web-1']);
    // Something else deletes web-1 while the engine runs: the next pass drops it from the list.
    w.pods.delete('shop/web-1');
    w.t += 5;
    await engine.step();
    expect(tries).toBe(2);
    expect(engine.current.removing?.pods.map((p) => p.pod)).toEqual(['shop/api-1']);
    w.t += 5;
    await engine.step();
    expect(removals(w, 'shop/web-1')).toEqual([]);
    expect(removals(w, 'shop/api-1')).toEqual([]);
    // An engine resumed now does not take web-1 for its own either.
    const resumed = await MigrationEngine.resumeOrStart(ports, initialState('m1', twoNodePlan(), 0));
    w.t += 5;
    await resumed.step();
    expect(removals(w, 'shop/web-1')).toEqual([]);
  });

  it('a run failed for lost connectivity names, once the API is back for its final save, the pods not running at the end', async () => {
    const w = twoNodeWorld();
    const ports = outage(w, (t) => t >= 10 && t < 400);
    const engine = await MigrationEngine.resumeOrStart(ports, initialState('m1', twoNodePlan(), 0));
    for (let i = 0; i < 100 && !['Failed', 'Completed'].includes(engine.current.status); i++) {
      await engine.step();
      // While the engine is blind, the controller it evicted from makes a pod that cannot start.
      if (w.t === 200) w.addPod('shop', 'web-late', 'new-1', 'rs-web', { phase: 'Pending', ready: false, createdAt: 200 });
      await ports.clock.sleep(engine.current.settings.intervalSeconds);
    }
    expect(engine.current.failure?.code).toBe('ConnectivityLost');
    expect(engine.current.failure?.objects).not.toContain('Pod shop/web-late');
    await engine.finish();
    expect(w.t).toBeGreaterThanOrEqual(400);
    expect(engine.current.failure?.objects).toContain('Pod shop/web-late');
    expect(w.saved?.failure?.objects).toContain('Pod shop/web-late');
  });

  it('in normal running, a listed pod that something else removes is not reported as the migration\'s', async () => {
    const w = twoNodeWorld();
    w.faults.pdbBlocked.add('shop/web-1');
    const engine = await MigrationEngine.resumeOrStart(w.ports(), initialState('m1', twoNodePlan(), 0));
    await engine.step();
    expect(engine.current.removing?.pods.map((p) => p.pod)).toContain('shop/web-1');
    // Something else (not the engine) deletes the refused pod.
    w.pods.delete('shop/web-1');
    w.t += 5;
    await engine.step();
    expect(removals(w, 'shop/web-1')).toEqual([]);
  });

  it('a pass that asks again for pods already listed saves nothing before its requests', async () => {
    const w = twoNodeWorld();
    w.faults.pdbBlocked.add('shop/web-1');
    const log: string[] = [];
    const ports = withCluster(w, (base) => ({
      saveState: async (st) => {
        log.push('save');
        return base.saveState(st);
      },
      evict: async (ns, name) => {
        log.push(`evict ${ns}/${name}`);
        return base.evict(ns, name);
      },
    }));
    const engine = await MigrationEngine.resumeOrStart(ports, initialState('m1', twoNodePlan(), 0));
    await stepUntil(engine, w, 60);
    const tries = log.flatMap((l, i) => (l === 'evict shop/web-1' ? [i] : []));
    expect(tries.length).toBeGreaterThan(2);
    // Between two tries of the refused pod: the save of the answer (its retry time), none of a list that did not grow.
    for (let k = 1; k < tries.length; k++) expect(log.slice((tries[k - 1] as number) + 1, tries[k]).filter((l) => l === 'save')).toHaveLength(1);
  });

  it('lists a refused controller once in the baseline, however many passes ask for its pod again', async () => {
    const w = twoNodeWorld();
    w.faults.pdbBlocked.add('shop/web-1');
    const engine = await MigrationEngine.resumeOrStart(w.ports(), initialState('m1', twoNodePlan(), 0));
    await stepUntil(engine, w, 60);
    const blocked = w.events.filter((e) => e.kind === 'pod.evict-blocked' && e.object === 'Pod shop/web-1');
    expect(blocked.length).toBeGreaterThan(2);
    expect(engine.current.batches[0]?.baseline).toEqual(['shop/web-2']);
  });
});

/**
 * The fit of `vngshift calibrate` on synthetic traces: rehearsals run with known timing figures, their traces fitted, the
 * figures compared with the known ones. Tolerances: the eviction's and the other requests' times within 20%; the rate limit within 10% (fitted from
 * the gaps when the trace does not state it); the executor's time per reconcile within 0.3 s; a replacement's readiness within half a reconcile interval (the engine sees
 * it only at its reconciles, every 5 s); and a second rehearsal with the fitted figures within 10% of the first's duration.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/engine/ports.js';
import { fitTiming, parseTrace } from '../../../sim/calibrate.js';
import { simulate, type SimResult } from '../../../sim/simulate.js';
import { KWOK_SIM_TIMING } from '../../../sim/timing-file.js';
import { resolveTiming, type SimTiming } from '../../../sim/timing.js';
import { catalog, cluster, deployment, generalVng, oldNode, planFor } from './tiny-world.js';

function world() {
  const nodes = Array.from({ length: 6 }, (_, i) => oldNode(`old-${i + 1}`, `i-0aaa000000000000${i + 1}`));
  const names = nodes.map((n) => n.name);
  const parts = Array.from({ length: 4 }, (_, i) => deployment({ name: `app-${i}`, replicas: 24, nodes: names, cpu: 50, memory: 64 * 1024 * 1024 }));
  const c = cluster(nodes, parts);
  const vngs = [generalVng()];
  const plan = planFor(c, vngs, { batchSizePercentage: 34 });
  return { c, vngs, plan };
}

/** A rehearsal's trace as run --trace-out writes one: the engine's events, with the executor's settings first. */
function traceOf(r: SimResult, settings: Record<string, number | string> | null): EngineEvent[] {
  // The rehearsal's events hold their detail beside t, kind and object, as simulate --trace-out writes them: read back
  // through calibrate's own parser.
  const evs = parseTrace(r.events.map((e) => JSON.stringify(e)).join('\n')).events;
  return settings === null ? evs : [{ t: 0, kind: 'executor.settings', object: 'Executor', detail: settings }, ...evs];
}

/** A rate limit that binds (4 requests/s, burst 3): the qps is visible in the gaps, the round trip hidden under them. */
const KNOWN: Partial<SimTiming> = { ...KWOK_SIM_TIMING, apiLatencySeconds: 0.02, evictLatencySeconds: 0.02, clientQps: 4, clientBurst: 3, podStartSeconds: 6, podJitter: 0 };
/** A rate limit that leaves most requests alone (20/s, burst 40): the round trip is visible. */
const ROOMY: Partial<SimTiming> = { ...KNOWN, clientQps: 20, clientBurst: 40 };

describe('calibrate: fitTiming', () => {
  it('recovers the request time, the rate limit and the readiness of a rehearsal with known figures', async () => {
    const { c, vngs, plan } = world();
    const r = await simulate({ cluster: c, vngs, catalog, plan, seed: 3, timing: ROOMY, capacity: 'engine' });
    expect(r.status).toBe('Completed');
    const fit = fitTiming(traceOf(r, { qps: 20, burst: 40, intervalSeconds: 5, capacity: 'kwok' }), resolveTiming(KWOK_SIM_TIMING));
    expect(fit.timing.clientQps).toBe(20);
    expect(fit.timing.clientBurst).toBe(40);
    expect(Math.abs((fit.timing.apiLatencySeconds ?? 0) - 0.02)).toBeLessThanOrEqual(0.02 * 0.2);
    expect(Math.abs((fit.timing.evictLatencySeconds ?? 0) - 0.02)).toBeLessThanOrEqual(0.02 * 0.2);
    // What a replacement took in the rehearsal, from the reconcile that launched its node: the node Ready, the pod start.
    const truth = 1 + 6;
    expect(Math.abs((fit.evidence.replacementSeconds ?? 0) - truth)).toBeLessThanOrEqual(2.5);
    expect(fit.evidence.batches).toBe(plan.batches.length);
  });

  it("recovers the executor's own time per reconcile within 0.3 s", async () => {
    const { c, vngs, plan } = world();
    const r = await simulate({ cluster: c, vngs, catalog, plan, seed: 3, timing: { ...ROOMY, reconcileSeconds: 0.8 }, capacity: 'engine' });
    const fit = fitTiming(traceOf(r, { qps: 20, burst: 40, intervalSeconds: 5, capacity: 'kwok' }), resolveTiming(KWOK_SIM_TIMING));
    expect(Math.abs((fit.timing.reconcileSeconds ?? -1) - 0.8)).toBeLessThanOrEqual(0.3);
    const none = fitTiming(traceOf(await simulate({ cluster: c, vngs, catalog, plan, seed: 3, timing: ROOMY, capacity: 'engine' }), { qps: 20, burst: 40, intervalSeconds: 5, capacity: 'kwok' }), resolveTiming(KWOK_SIM_TIMING));
    expect(none.timing.reconcileSeconds ?? -1).toBeLessThanOrEqual(0.3);
  });

  it('fits an eviction and any other request apart: a loaded API server stretches evictions, not patches', async () => {
    const { c, vngs, plan } = world();
    const LOADED: Partial<SimTiming> = { ...ROOMY, apiLatencySeconds: 0.02, evictLatencySeconds: 0.3 };
    const r = await simulate({ cluster: c, vngs, catalog, plan, seed: 3, timing: LOADED, capacity: 'engine' });
    expect(r.status).toBe('Completed');
    const fit = fitTiming(traceOf(r, { qps: 20, burst: 40, intervalSeconds: 5, capacity: 'kwok' }), resolveTiming(KWOK_SIM_TIMING));
    expect(Math.abs((fit.timing.evictLatencySeconds ?? 0) - 0.3)).toBeLessThanOrEqual(0.3 * 0.2);
    expect(Math.abs((fit.timing.apiLatencySeconds ?? 0) - 0.02)).toBeLessThanOrEqual(0.02 * 0.2);
    expect(fit.evidence.patchGaps).toBe(5);
    const again = await simulate({ cluster: c, vngs, catalog, plan, seed: 3, timing: { ...KWOK_SIM_TIMING, ...fit.timing }, capacity: 'engine' });
    expect(Math.abs(again.durationSeconds - r.durationSeconds) / r.durationSeconds).toBeLessThanOrEqual(0.1);
    // One latency for every request (the eviction's, as the fit gave before the two were told apart) is far off.
    const oneLatency = await simulate({ cluster: c, vngs, catalog, plan, seed: 3, timing: { ...KWOK_SIM_TIMING, ...fit.timing, apiLatencySeconds: fit.timing.evictLatencySeconds ?? 0 }, capacity: 'engine' });
    expect(oneLatency.durationSeconds - r.durationSeconds).toBeGreaterThan(0.1 * r.durationSeconds);
  });

  it("without two consecutive cordons, the request time is the base model's, never above the eviction's", () => {
    const evs: EngineEvent[] = [
      { t: 0, kind: 'executor.settings', object: 'Executor', detail: { qps: 20, burst: 40, intervalSeconds: 5, capacity: 'kwok' } },
      { t: 0.1, kind: 'node.cordoned', object: 'Node a' },
      { t: 0.2, kind: 'batch.started', object: 'Batch 1' },
      ...Array.from({ length: 6 }, (_, i): EngineEvent => ({ t: 0.2 + 0.03 * (i + 1), kind: 'pod.evicted', object: `Pod ns/p${i}` })),
    ];
    const base = resolveTiming({ ...KWOK_SIM_TIMING, apiLatencySeconds: 0.09 });
    const fit = fitTiming(evs, base);
    expect(fit.evidence.patchGaps).toBe(0);
    expect(fit.timing.evictLatencySeconds).toBeCloseTo(0.03, 6);
    expect(fit.timing.apiLatencySeconds).toBeCloseTo(0.03, 6); // the base's 0.09 is above the eviction's 0.03
    const slow = fitTiming(evs.map((e) => (e.kind === 'pod.evicted' ? { ...e, t: 0.2 + (e.t - 0.2) * 10 } : e)), base);
    expect(slow.timing.evictLatencySeconds).toBeCloseTo(0.3, 6);
    expect(slow.timing.apiLatencySeconds).toBe(0.09);
  });

  it("slow cordons at the run's start are round trips while the stated burst covers them; uncordons are not read", () => {
    const settings: EngineEvent = { t: 0, kind: 'executor.settings', object: 'Executor', detail: { qps: 20, burst: 40, intervalSeconds: 5, capacity: 'kwok' } };
    // 60 ms a cordon: above 0.8/qps (40 ms) and below two tokens' 100 ms, where the pace alone cannot tell.
    const cordons = Array.from({ length: 5 }, (_, i): EngineEvent => ({ t: 0.1 + 0.06 * i, kind: 'node.cordoned', object: `Node n${i}`, detail: { atStart: true } }));
    const evictions = Array.from({ length: 6 }, (_, i): EngineEvent => ({ t: 1 + 0.1 * (i + 1), kind: 'pod.evicted', object: `Pod ns/p${i}` }));
    const batch: EngineEvent = { t: 1, kind: 'batch.started', object: 'Batch 1' };
    const fit = fitTiming([settings, ...cordons, batch, ...evictions], resolveTiming(KWOK_SIM_TIMING));
    expect(fit.timing.apiLatencySeconds).toBeCloseTo(0.06, 6);
    expect(fit.evidence.patchGaps).toBe(4);
    expect(fit.timing.evictLatencySeconds).toBeCloseTo(0.1, 6);
    // A burst too small to cover them: the pace decides, and 60 ms gaps may have waited, so the base model's figure.
    const small = fitTiming([{ ...settings, detail: { qps: 20, burst: 18, intervalSeconds: 5, capacity: 'kwok' } }, ...cordons, batch, ...evictions], resolveTiming(KWOK_SIM_TIMING));
    expect(small.timing.apiLatencySeconds).toBe(resolveTiming(KWOK_SIM_TIMING).apiLatencySeconds);
    // Many cordons at the start: the state save patched each node just before, so the burst covers none of their gaps.
    const many = Array.from({ length: 30 }, (_, i): EngineEvent => ({ t: 0.1 + 0.1 * i, kind: 'node.cordoned', object: `Node m${i}`, detail: { atStart: true } }));
    const crowded = fitTiming([settings, ...many, { ...batch, t: 4 }, ...evictions.map((e) => ({ ...e, t: e.t + 3 }))], resolveTiming(KWOK_SIM_TIMING));
    expect(crowded.timing.apiLatencySeconds).toBe(resolveTiming(KWOK_SIM_TIMING).apiLatencySeconds);
    expect(crowded.evidence.patchGaps).toBe(0);
    // Cordons later in the run (not the start's) may find the bucket spent: only the pace tells.
    const later = cordons.map((e) => ({ ...e, detail: {} }));
    expect(fitTiming([settings, ...later, batch, ...evictions], resolveTiming(KWOK_SIM_TIMING)).timing.apiLatencySeconds).toBe(resolveTiming(KWOK_SIM_TIMING).apiLatencySeconds);
    // At the edge of the burst: 5 start cordons after 16 requests and their 5 patches, 2 tokens a cordon. Burst 26 covers
    // the first gap only (one is not enough: the base figure), burst 27 the first two.
    const withBurst = (b: number): EngineEvent => ({ ...settings, detail: { qps: 20, burst: b, intervalSeconds: 5, capacity: 'kwok' } });
    expect(fitTiming([withBurst(26), ...cordons, batch, ...evictions], resolveTiming(KWOK_SIM_TIMING)).evidence.patchGaps).toBe(0);
    expect(fitTiming([withBurst(27), ...cordons, batch, ...evictions], resolveTiming(KWOK_SIM_TIMING)).evidence.patchGaps).toBe(2);
    // Start gaps the burst does not cover still count when they are below the pace.
    const quick = Array.from({ length: 30 }, (_, i): EngineEvent => ({ t: 0.1 + 0.02 * i, kind: 'node.cordoned', object: `Node q${i}`, detail: { atStart: true } }));
    const quickFit = fitTiming([settings, ...quick, batch, ...evictions], resolveTiming(KWOK_SIM_TIMING));
    expect(quickFit.timing.apiLatencySeconds).toBeCloseTo(0.02, 6);
    expect(quickFit.evidence.patchGaps).toBe(29);
    // Uncordons one after the other (each followed by a state save after a stop) are not patch gaps.
    const uncordons = Array.from({ length: 4 }, (_, i): EngineEvent => ({ t: 3 + 0.02 * i, kind: 'node.uncordoned', object: `Node n${i}` }));
    expect(fitTiming([settings, batch, ...evictions, ...uncordons], resolveTiming(KWOK_SIM_TIMING)).evidence.patchGaps).toBe(0);
  });

  it('fits the rate limit from the gaps when the trace does not state it', async () => {
    const { c, vngs, plan } = world();
    const r = await simulate({ cluster: c, vngs, catalog, plan, seed: 3, timing: KNOWN });
    const fit = fitTiming(traceOf(r, null), resolveTiming(KWOK_SIM_TIMING));
    expect(Math.abs((fit.timing.clientQps ?? 0) - 4)).toBeLessThanOrEqual(0.4);
  });

  it('a rehearsal with the fitted figures lasts what the traced one did, within 10%', async () => {
    const { c, vngs, plan } = world();
    const r = await simulate({ cluster: c, vngs, catalog, plan, seed: 3, timing: KNOWN, capacity: 'engine' });
    const fit = fitTiming(traceOf(r, { qps: 4, burst: 3, intervalSeconds: 5, capacity: 'kwok' }), resolveTiming(KWOK_SIM_TIMING));
    const again = await simulate({ cluster: c, vngs, catalog, plan, seed: 3, timing: { ...KWOK_SIM_TIMING, ...fit.timing }, capacity: 'engine' });
    expect(again.status).toBe('Completed');
    expect(Math.abs(again.durationSeconds - r.durationSeconds) / r.durationSeconds).toBeLessThanOrEqual(0.1);
    // The model without the rate limit (the rehearsal before it was modelled) is far off on the same trace.
    const unlimited = await simulate({ cluster: c, vngs, catalog, plan, seed: 3, timing: { ...KNOWN, clientQps: 1e6, clientBurst: 1e6 }, capacity: 'engine' });
    expect(r.durationSeconds - unlimited.durationSeconds).toBeGreaterThan(0.1 * r.durationSeconds);
  });
});

describe('calibrate: parseTrace', () => {
  it('reads run --trace-out lines (nested detail) and simulate --trace-out lines (flat detail)', () => {
    const { events, bad } = parseTrace('{"t":1,"kind":"executor.settings","object":"Executor","detail":{"qps":7}}\n\n{"t":2,"kind":"batch.started","object":"Batch 1","nodes":2}\n');
    expect(bad).toBeNull();
    expect(events.map((e) => [e.t, e.kind, e.detail])).toEqual([
      [1, 'executor.settings', { qps: 7 }],
      [2, 'batch.started', { nodes: 2 }],
    ]);
  });

  it('names the first bad line', () => {
    expect(parseTrace('{"t":1,"kind":"a"}\nnot json\n').bad).toEqual({ line: 2, problem: 'not JSON' });
    expect(parseTrace('{"t":"x","kind":"a"}\n').bad).toEqual({ line: 1, problem: 'field t: expected a number of seconds' });
  });
});

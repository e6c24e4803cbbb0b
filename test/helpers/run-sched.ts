/** Shared pieces of the run scheduler's tests (src/planner/run-scheduler.ts): an empty catalog, pods, a seeded generator. */
import { runPodOf, type RunCatalog, type RunPod } from '../../src/planner/run-scheduler.js';
import { podSpec, type PodInput } from './sched.js';

/** No namespaces, claims or storage classes. */
export const NO_CATALOG: RunCatalog = { namespaces: [], pvcs: [], pvs: [], storageClasses: [] };

/** A pod of namespace default requesting `cpu` (labelled app=key unless `extra` gives labels). */
export function runPod(key: string, cpu: number, extra: PodInput = {}): RunPod {
  return runPodOf(key, 'default', extra.labels ?? { app: key }, podSpec({ requests: { cpu }, ...extra }));
}

/** A small seeded generator (mulberry32), so the random cases are the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Arithmetic on ResourceLists (integers: millicores, bytes, counts). */
import type { ResourceList } from '../model/types.js';

export function addInto(target: ResourceList, add: ResourceList): void {
  for (const key in add) target[key] = (target[key] ?? 0) + (add[key] ?? 0);
}

export function subtractInto(target: ResourceList, sub: ResourceList): void {
  for (const key in sub) target[key] = (target[key] ?? 0) - (sub[key] ?? 0);
}

export function sum(lists: Iterable<ResourceList>): ResourceList {
  const out: ResourceList = {};
  for (const l of lists) addInto(out, l);
  return out;
}

/** Resource names for which used + request exceeds allocatable, in kube-scheduler's order (pods, cpu, memory, ephemeral-storage, then by name). */
export function insufficient(allocatable: ResourceList, used: ResourceList, request: ResourceList): string[] {
  const out: string[] = [];
  for (const key in request) {
    const want = request[key] ?? 0;
    if (want <= 0 && key !== 'pods') continue;
    if ((used[key] ?? 0) + want > (allocatable[key] ?? 0)) out.push(key);
  }
  return out.sort(compareResourceNames);
}

export function fits(allocatable: ResourceList, used: ResourceList, request: ResourceList): boolean {
  for (const key in request) {
    const want = request[key] ?? 0;
    if (want <= 0 && key !== 'pods') continue;
    if ((used[key] ?? 0) + want > (allocatable[key] ?? 0)) return false;
  }
  return true;
}

const ORDER = ['pods', 'cpu', 'memory', 'ephemeral-storage'];

export function compareResourceNames(a: string, b: string): number {
  const ia = ORDER.indexOf(a);
  const ib = ORDER.indexOf(b);
  if (ia !== -1 || ib !== -1) return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}

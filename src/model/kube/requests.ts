/**
 * The effective resource request of a pod, computed the way kube-scheduler does:
 *
 *   running  = sum(app containers) + sum(sidecars)                 (sidecar = init container with restartPolicy: Always)
 *   start-up = max over init containers i of (init_i + sidecars declared before i)
 *   request  = max(running, start-up) + spec.overhead,  per resource,  plus pods: 1
 *
 * A container that sets a limit but no request for a resource gets the limit as its request (API server defaulting).
 */

import { inputError } from '../errors.js';
import type { ErrorContext } from '../errors.js';
import { parseQuantity, QuantityError, scaleFor } from '../quantity.js';
import type { ResourceList } from '../types.js';
import { PODS } from '../types.js';
import { describe, fieldPath, indexPath, isObj, optObject, optString } from './fields.js';
import type { Obj } from './fields.js';


/** One quantity field as an integer amount; bad values become InputErrors naming the field. */
export function quantityField(ctx: ErrorContext, resource: string, value: unknown, path: string): number {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw inputError(ctx, path, `expected a Kubernetes quantity like 500m, 2, 1.5Gi; found ${describe(value)}`);
  }
  try {
    return parseQuantity(value, scaleFor(resource));
  } catch (error) {
    if (error instanceof QuantityError) throw inputError(ctx, path, error.message);
    throw error;
  }
}

/** A resource map (requests, limits, capacity, overhead) as integer amounts, in the input's key order. */
export function resourceMap(ctx: ErrorContext, parent: Obj, key: string, path: string): Map<string, number> {
  const map = optObject(ctx, parent, key, path);
  const out = new Map<string, number>();
  if (map === null) return out;
  for (const [resource, value] of Object.entries(map)) {
    out.set(resource, quantityField(ctx, resource, value, fieldPath(path, resource)));
  }
  return out;
}

/**
 * Resource amounts of one pod as parallel lists of names and amounts: a pod names two or three resources, so a linear search
 * beats a Map and nothing is allocated per container.
 */
class Amounts {
  readonly names: string[] = [];
  readonly values: number[] = [];

  clear(): void {
    this.names.length = 0;
    this.values.length = 0;
  }

  indexOf(name: string): number {
    const names = this.names;
    for (let i = 0; i < names.length; i++) if (names[i] === name) return i;
    return -1;
  }

  get(name: string): number | undefined {
    const i = this.indexOf(name);
    return i < 0 ? undefined : this.values[i];
  }

  set(name: string, amount: number): void {
    const i = this.indexOf(name);
    if (i < 0) {
      this.names.push(name);
      this.values.push(amount);
    } else {
      this.values[i] = amount;
    }
  }

  addInto(source: Amounts): void {
    for (let i = 0; i < source.names.length; i++) {
      const name = source.names[i] as string;
      this.set(name, (this.get(name) ?? 0) + (source.values[i] as number));
    }
  }

  maxOne(name: string, amount: number): void {
    const current = this.get(name);
    if (current === undefined || amount > current) this.set(name, amount);
  }

  maxInto(source: Amounts): void {
    for (let i = 0; i < source.names.length; i++) this.maxOne(source.names[i] as string, source.values[i] as number);
  }

  /** max(this, own + extra) per resource: a regular init container next to the sidecars started before it. */
  maxIntoSum(own: Amounts, extra: Amounts): void {
    for (let i = 0; i < own.names.length; i++) {
      const name = own.names[i] as string;
      this.maxOne(name, (own.values[i] as number) + (extra.get(name) ?? 0));
    }
    for (let i = 0; i < extra.names.length; i++) {
      const name = extra.names[i] as string;
      if (own.indexOf(name) < 0) this.maxOne(name, extra.values[i] as number);
    }
  }
}

/**
 * The paths below are built only when an error is raised: `(specPath, listKey, index)` names a container, and the texts are
 * the ones fieldPath and indexPath give.
 */
function containerPath(specPath: string, listKey: string, index: number): string {
  return indexPath(fieldPath(specPath, listKey), index);
}

function resourcesPath(specPath: string, listKey: string, index: number): string {
  return fieldPath(containerPath(specPath, listKey, index), 'resources');
}

/** Reads the resource map `resources[key]` of one container into `into` (set, or only where absent when `onlyNew`). */
function readContainerMap(
  ctx: ErrorContext,
  resources: Obj,
  key: 'requests' | 'limits',
  specPath: string,
  listKey: string,
  index: number,
  into: Amounts,
  onlyNew: boolean,
): void {
  const value = resources[key];
  if (value === undefined || value === null) return;
  if (!isObj(value)) {
    throw inputError(ctx, fieldPath(resourcesPath(specPath, listKey, index), key), `expected an object; found ${describe(value)}`);
  }
  // A map already seen (the snapshot shares equal maps between pods) still parses each value: parseQuantity is what checks it.
  for (const resource in value) {
    if (!Object.prototype.hasOwnProperty.call(value, resource)) continue;
    const raw = value[resource];
    const amount = quantityAt(ctx, resource, raw, specPath, listKey, index, key);
    if (!onlyNew || into.indexOf(resource) < 0) into.set(resource, amount);
  }
}

function quantityAt(
  ctx: ErrorContext,
  resource: string,
  value: unknown,
  specPath: string,
  listKey: string,
  index: number,
  key: string,
): number {
  if (typeof value === 'string' || typeof value === 'number') {
    try {
      return parseQuantity(value, scaleFor(resource));
    } catch (error) {
      if (!(error instanceof QuantityError)) throw error;
    }
  }
  // The error as quantityField raises it, with the field path built now.
  return quantityField(ctx, resource, value, fieldPath(fieldPath(resourcesPath(specPath, listKey, index), key), resource));
}

/** A container's requests with API-server defaulting (a limit without a request becomes the request), into `out`. */
function containerRequests(ctx: ErrorContext, container: Obj, specPath: string, listKey: string, index: number, out: Amounts): void {
  out.clear();
  const value = container['resources'];
  if (value === undefined || value === null) return;
  if (!isObj(value)) throw inputError(ctx, resourcesPath(specPath, listKey, index), `expected an object; found ${describe(value)}`);
  readContainerMap(ctx, value, 'requests', specPath, listKey, index, out, false);
  readContainerMap(ctx, value, 'limits', specPath, listKey, index, out, true);
}

export function isSidecar(ctx: ErrorContext, initContainer: Obj, path: string): boolean {
  const value = initContainer['restartPolicy'];
  if (value === undefined || value === null) return false;
  return optString(ctx, initContainer, 'restartPolicy', fieldPath(path, 'restartPolicy')) === 'Always';
}

/** The containers of `listKey`, every element checked to be an object first (as objectList does), without their paths. */
function containerList(ctx: ErrorContext, spec: Obj, listKey: string, specPath: string): readonly Obj[] {
  const list = spec[listKey];
  if (list === undefined || list === null) return EMPTY_LIST;
  if (!Array.isArray(list)) throw inputError(ctx, fieldPath(specPath, listKey), `expected a list; found ${describe(list)}`);
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    if (!isObj(item)) throw inputError(ctx, containerPath(specPath, listKey, i), `expected an object; found ${describe(item)}`);
  }
  return list as readonly Obj[];
}

const EMPTY_LIST: readonly Obj[] = Object.freeze([]);

/** Scratch amounts reused by every call of podRequests (each call clears what it uses; nothing escapes). */
const scratch = { running: new Amounts(), sidecars: new Amounts(), startupPeak: new Amounts(), own: new Amounts() };

/** Effective requests of the pod spec at `specPath`; keys sorted by name, `pods` always 1. */
export function podRequests(ctx: ErrorContext, spec: Obj, specPath: string): ResourceList {
  const { running, sidecars, startupPeak, own } = scratch;
  running.clear();
  sidecars.clear();
  startupPeak.clear();
  const containers = containerList(ctx, spec, 'containers', specPath);
  for (let i = 0; i < containers.length; i++) {
    containerRequests(ctx, containers[i] as Obj, specPath, 'containers', i, own);
    running.addInto(own);
  }
  const initContainers = containerList(ctx, spec, 'initContainers', specPath);
  for (let i = 0; i < initContainers.length; i++) {
    const item = initContainers[i] as Obj;
    containerRequests(ctx, item, specPath, 'initContainers', i, own);
    if (isSidecar(ctx, item, containerPath(specPath, 'initContainers', i))) {
      // A sidecar keeps running: it adds to the steady state, and its start-up peak is every sidecar so far.
      running.addInto(own);
      sidecars.addInto(own);
      startupPeak.maxInto(sidecars);
    } else {
      // A regular init container runs alone, next to the sidecars started before it.
      startupPeak.maxIntoSum(own, sidecars);
    }
  }
  // running becomes the total: max with the start-up peak, plus the overhead.
  running.maxInto(startupPeak);
  if (spec['overhead'] !== undefined && spec['overhead'] !== null) {
    const overhead = resourceMap(ctx, spec, 'overhead', fieldPath(specPath, 'overhead'));
    for (const [resource, amount] of overhead) running.set(resource, (running.get(resource) ?? 0) + amount);
  }
  running.set(PODS, 1);
  return sortedList(running);
}

/** The amounts as a ResourceList with its keys in sorted order (the order Array.prototype.sort gives strings). */
function sortedList(amounts: Amounts): ResourceList {
  const names = amounts.names;
  const order: number[] = [];
  for (let i = 0; i < names.length; i++) {
    // Insertion sort of a handful of names; `<` on strings compares UTF-16 code units, as the default sort does.
    let j = order.length;
    const name = names[i] as string;
    order.push(i);
    while (j > 0 && name < (names[order[j - 1] as number] as string)) {
      order[j] = order[j - 1] as number;
      j--;
    }
    order[j] = i;
  }
  const out: ResourceList = {};
  for (const i of order) out[names[i] as string] = amounts.values[i] as number;
  return out;
}

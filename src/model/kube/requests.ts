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
import { describe, fieldPath, objectList, objectOrEmpty, optObject, optString } from './fields.js';
import type { Obj } from './fields.js';

type Amounts = Map<string, number>;

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
export function resourceMap(ctx: ErrorContext, parent: Obj, key: string, path: string): Amounts {
  const map = optObject(ctx, parent, key, path);
  const out: Amounts = new Map();
  if (map === null) return out;
  for (const [resource, value] of Object.entries(map)) {
    out.set(resource, quantityField(ctx, resource, value, fieldPath(path, resource)));
  }
  return out;
}

/** A container's requests with API-server defaulting: a limit without a request becomes the request. */
function containerRequests(ctx: ErrorContext, container: Obj, path: string): Amounts {
  const resourcesPath = fieldPath(path, 'resources');
  const resources = objectOrEmpty(ctx, container, 'resources', resourcesPath);
  const requests = resourceMap(ctx, resources, 'requests', fieldPath(resourcesPath, 'requests'));
  const limits = resourceMap(ctx, resources, 'limits', fieldPath(resourcesPath, 'limits'));
  for (const [resource, limit] of limits) {
    if (!requests.has(resource)) requests.set(resource, limit);
  }
  return requests;
}

function addInto(target: Amounts, source: Amounts): void {
  for (const [resource, amount] of source) target.set(resource, (target.get(resource) ?? 0) + amount);
}

function maxInto(target: Amounts, source: Amounts): void {
  for (const [resource, amount] of source) {
    const current = target.get(resource);
    if (current === undefined || amount > current) target.set(resource, amount);
  }
}

function sum(a: Amounts, b: Amounts): Amounts {
  const out: Amounts = new Map(a);
  addInto(out, b);
  return out;
}

export function isSidecar(ctx: ErrorContext, initContainer: Obj, path: string): boolean {
  return optString(ctx, initContainer, 'restartPolicy', fieldPath(path, 'restartPolicy')) === 'Always';
}

/** Effective requests of the pod spec at `specPath`; keys sorted by name, `pods` always 1. */
export function podRequests(ctx: ErrorContext, spec: Obj, specPath: string): ResourceList {
  const running: Amounts = new Map();
  for (const { item, path } of objectList(ctx, spec, 'containers', fieldPath(specPath, 'containers'))) {
    addInto(running, containerRequests(ctx, item, path));
  }
  const sidecars: Amounts = new Map();
  const startupPeak: Amounts = new Map();
  for (const { item, path } of objectList(ctx, spec, 'initContainers', fieldPath(specPath, 'initContainers'))) {
    const own = containerRequests(ctx, item, path);
    if (isSidecar(ctx, item, path)) {
      // A sidecar keeps running: it adds to the steady state, and its start-up peak is every sidecar so far.
      addInto(running, own);
      addInto(sidecars, own);
      maxInto(startupPeak, sidecars);
    } else {
      // A regular init container runs alone, next to the sidecars started before it.
      maxInto(startupPeak, sum(own, sidecars));
    }
  }
  const total: Amounts = new Map(running);
  maxInto(total, startupPeak);
  addInto(total, resourceMap(ctx, spec, 'overhead', fieldPath(specPath, 'overhead')));
  total.set(PODS, 1);
  const out: ResourceList = {};
  for (const resource of [...total.keys()].sort()) out[resource] = total.get(resource) ?? 0;
  return out;
}

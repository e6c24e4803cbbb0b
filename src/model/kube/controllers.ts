/** Controllers: the workloads that own pods, DaemonSets, and PodDisruptionBudgets. */

import { inputError } from '../errors.js';
import type { DaemonSet, IntOrPercent, PodDisruptionBudget, Workload } from '../types.js';
import { describe, objectOrEmpty, optInt, stringMap } from './fields.js';
import type { Obj } from './fields.js';
import { controllerOwnerOf, uidOf } from './metadata.js';
import type { ObjectView } from './metadata.js';
import { podScheduling } from './pod-scheduling.js';
import { labelSelector } from './selectors.js';

export const WORKLOAD_KINDS: readonly Workload['kind'][] = [
  'ReplicaSet',
  'Deployment',
  'StatefulSet',
  'Job',
  'CronJob',
  'ReplicationController',
];

export function isWorkloadKind(kind: string): kind is Workload['kind'] {
  return (WORKLOAD_KINDS as readonly string[]).includes(kind);
}

/** Desired pod count: spec.replicas (default 1); a Job's spec.parallelism (default 1); null for a CronJob. */
function replicasOf(view: ObjectView, kind: Workload['kind'], spec: Obj): number | null {
  if (kind === 'CronJob') return null;
  const key = kind === 'Job' ? 'parallelism' : 'replicas';
  return optInt(view.ctx, spec, key, `spec.${key}`, 0) ?? 1;
}

export function parseWorkload(view: ObjectView, kind: Workload['kind']): Workload {
  const spec = objectOrEmpty(view.ctx, view.body, 'spec', 'spec');
  return {
    kind,
    namespace: view.namespace,
    name: view.name,
    uid: uidOf(view),
    replicas: replicasOf(view, kind, spec),
    owner: controllerOwnerOf(view),
  };
}

export function parseDaemonSet(view: ObjectView): DaemonSet {
  const { ctx } = view;
  const spec = objectOrEmpty(ctx, view.body, 'spec', 'spec');
  const template = objectOrEmpty(ctx, spec, 'template', 'spec.template');
  const templateMetadata = objectOrEmpty(ctx, template, 'metadata', 'spec.template.metadata');
  const podSpec = objectOrEmpty(ctx, template, 'spec', 'spec.template.spec');
  return {
    namespace: view.namespace,
    name: view.name,
    uid: uidOf(view),
    template: {
      ...podScheduling(ctx, podSpec, 'spec.template.spec', null),
      labels: stringMap(ctx, templateMetadata, 'labels', 'spec.template.metadata.labels'),
    },
  };
}

const PERCENT = /^([0-9]+)%$/;

function intOrPercent(view: ObjectView, spec: Obj, key: string): IntOrPercent | null {
  const value = spec[key];
  const path = `spec.${key}`;
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw inputError(view.ctx, path, `expected a non-negative integer or a percentage like "50%"; found ${describe(value)}`);
    }
    return { kind: 'int', value };
  }
  const match = typeof value === 'string' ? PERCENT.exec(value) : null;
  if (match === null) throw inputError(view.ctx, path, `expected a non-negative integer or a percentage like "50%"; found ${describe(value)}`);
  const percent = Number(match[1]);
  if (percent > 100) throw inputError(view.ctx, path, `expected a percentage between 0% and 100%; found ${describe(value)}`);
  return { kind: 'percent', value: percent };
}

export function parsePdb(view: ObjectView): PodDisruptionBudget {
  const { ctx } = view;
  const spec = objectOrEmpty(ctx, view.body, 'spec', 'spec');
  const status = objectOrEmpty(ctx, view.body, 'status', 'status');
  const minAvailable = intOrPercent(view, spec, 'minAvailable');
  const maxUnavailable = intOrPercent(view, spec, 'maxUnavailable');
  if (minAvailable !== null && maxUnavailable !== null) {
    throw inputError(ctx, 'spec', 'expected at most one of minAvailable and maxUnavailable; found both');
  }
  return {
    namespace: view.namespace,
    name: view.name,
    selector: labelSelector(ctx, spec, 'selector', 'spec.selector'),
    minAvailable,
    maxUnavailable,
    disruptionsAllowed: optInt(ctx, status, 'disruptionsAllowed', 'status.disruptionsAllowed', 0),
  };
}

/** Node objects. */

import type { Node, ResourceList } from '../types.js';
import { conditionTrue, objectOrEmpty, optBool, optString } from './fields.js';
import type { Obj } from './fields.js';
import { annotationsOf, labelsOf, uidOf } from './metadata.js';
import type { ObjectView } from './metadata.js';
import { resourceMap } from './requests.js';
import { taints } from './selectors.js';

const INSTANCE_TYPE_LABELS = ['node.kubernetes.io/instance-type', 'beta.kubernetes.io/instance-type'] as const;
const ZONE_LABELS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'] as const;

/** `aws:///us-east-1a/i-0abc123` (or `aws://us-east-1a/i-...`) -> `i-0abc123`. */
const AWS_PROVIDER_ID = /^aws:\/\/\/?(?:[^/]*\/)?(i-[0-9a-zA-Z]+)$/;

export function instanceIdFromProviderId(providerID: string): string | null {
  return AWS_PROVIDER_ID.exec(providerID)?.[1] ?? null;
}

/** `aws:///us-east-1a/i-0abc123` -> `us-east-1a`; null without a zone. */
export function zoneFromProviderId(providerID: string): string | null {
  return /^aws:\/\/\/?([^/]+)\/i-[0-9a-zA-Z]+$/.exec(providerID)?.[1] ?? null;
}

function firstLabel(labels: Readonly<Record<string, string>>, keys: readonly string[]): string | null {
  for (const key of keys) {
    const value = labels[key];
    if (value !== undefined && value !== '') return value;
  }
  return null;
}

function resources(view: ObjectView, status: Obj, key: string): ResourceList {
  const out: ResourceList = {};
  const amounts = resourceMap(view.ctx, status, key, `status.${key}`);
  for (const resource of [...amounts.keys()].sort()) out[resource] = amounts.get(resource) ?? 0;
  return out;
}

export function parseNode(view: ObjectView): Node {
  const { ctx, body } = view;
  const spec = objectOrEmpty(ctx, body, 'spec', 'spec');
  const status = objectOrEmpty(ctx, body, 'status', 'status');
  const labels = labelsOf(view);
  const providerID = optString(ctx, spec, 'providerID', 'spec.providerID') ?? '';
  return {
    name: view.name,
    uid: uidOf(view),
    labels,
    annotations: annotationsOf(view),
    taints: taints(ctx, spec, 'taints', 'spec.taints'),
    capacity: resources(view, status, 'capacity'),
    allocatable: resources(view, status, 'allocatable'),
    unschedulable: optBool(ctx, spec, 'unschedulable', 'spec.unschedulable') ?? false,
    providerID,
    instanceType: firstLabel(labels, INSTANCE_TYPE_LABELS),
    zone: firstLabel(labels, ZONE_LABELS),
    instanceId: instanceIdFromProviderId(providerID),
    ready: conditionTrue(ctx, status, 'Ready', 'status', true),
  };
}

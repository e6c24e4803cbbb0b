/**
 * The labels a node launched by a VNG would carry, as the scheduler sees them before the node exists. The planner adds
 * kubernetes.io/hostname for each node it imagines.
 */
import type { InstanceType, Vng } from '../model/types.js';

export const LABEL_ARCH = 'kubernetes.io/arch';
export const LABEL_OS = 'kubernetes.io/os';
export const LABEL_INSTANCE_TYPE = 'node.kubernetes.io/instance-type';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';
export const LABEL_REGION = 'topology.kubernetes.io/region';
export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const BETA_LABEL_ARCH = 'beta.kubernetes.io/arch';
export const BETA_LABEL_OS = 'beta.kubernetes.io/os';
export const BETA_LABEL_INSTANCE_TYPE = 'beta.kubernetes.io/instance-type';
export const BETA_LABEL_ZONE = 'failure-domain.beta.kubernetes.io/zone';
export const BETA_LABEL_REGION = 'failure-domain.beta.kubernetes.io/region';

/**
 * Labels of a node of type `it` launched by `vng` in `zone` (null: zone not known yet, so no zone labels) of `region`.
 *
 * The VNG's own labels come first and the well-known labels are written over them: the kubelet and the cloud provider set
 * those from the machine itself, so a VNG label such as kubernetes.io/arch=arm64 on an amd64 type cannot make the node
 * arm64. Keys are returned in sorted order. The object is shared between callers and frozen.
 */
export function nodeTemplateLabels(vng: Vng, it: InstanceType, zone: string | null, region: string): Readonly<Record<string, string>> {
  // Built once per VNG label set, type, zone and region: the autoscaler asks for every template at every pass.
  let byShape = made.get(vng.labels);
  if (byShape === undefined) {
    byShape = new Map();
    made.set(vng.labels, byShape);
  }
  const key = `${it.name}\u0000${it.architecture}\u0000${zone === null ? '\u0001' : zone}\u0000${region}`;
  const hit = byShape.get(key);
  if (hit !== undefined) return hit;
  const fresh = Object.freeze(buildLabels(vng, it, zone, region));
  byShape.set(key, fresh);
  return fresh;
}

const made = new WeakMap<Readonly<Record<string, string>>, Map<string, Readonly<Record<string, string>>>>();

function buildLabels(vng: Vng, it: InstanceType, zone: string | null, region: string): Record<string, string> {
  const labels: Record<string, string> = { ...vng.labels };
  labels[LABEL_ARCH] = it.architecture;
  labels[BETA_LABEL_ARCH] = it.architecture;
  labels[LABEL_OS] = 'linux';
  labels[BETA_LABEL_OS] = 'linux';
  labels[LABEL_INSTANCE_TYPE] = it.name;
  labels[BETA_LABEL_INSTANCE_TYPE] = it.name;
  labels[LABEL_REGION] = region;
  labels[BETA_LABEL_REGION] = region;
  if (zone !== null) {
    labels[LABEL_ZONE] = zone;
    labels[BETA_LABEL_ZONE] = zone;
  } else {
    delete labels[LABEL_ZONE];
    delete labels[BETA_LABEL_ZONE];
  }
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(labels).sort()) {
    const value = labels[key];
    if (value !== undefined) sorted[key] = value;
  }
  return sorted;
}

/**
 * Everything kube-scheduler reads from a pod spec, as PodScheduling. Pods and pod templates (DaemonSets) share this code.
 */

import { inputError } from '../errors.js';
import type { ErrorContext } from '../errors.js';
import type { HostPort, NodeSelectorTerm, PodAffinityTerm, PodScheduling, PodVolume, TopologySpreadConstraint } from '../types.js';
import {
  enumString,
  fieldPath,
  objectList,
  objectOrEmpty,
  optInt,
  optObject,
  optString,
  reqString,
  stringList,
  stringMap,
} from './fields.js';
import type { Obj } from './fields.js';
import { podRequests, isSidecar } from './requests.js';
import { labelSelector, nodeSelectorTerms, tolerations } from './selectors.js';

const DEFAULT_GRACE_PERIOD_SECONDS = 30;

function requiredNodeAffinity(ctx: ErrorContext, affinity: Obj, path: string): NodeSelectorTerm[] | null {
  const nodeAffinityPath = fieldPath(path, 'nodeAffinity');
  const nodeAffinity = optObject(ctx, affinity, 'nodeAffinity', nodeAffinityPath);
  if (nodeAffinity === null) return null;
  const requiredPath = fieldPath(nodeAffinityPath, 'requiredDuringSchedulingIgnoredDuringExecution');
  const required = optObject(ctx, nodeAffinity, 'requiredDuringSchedulingIgnoredDuringExecution', requiredPath);
  if (required === null) return null;
  return nodeSelectorTerms(ctx, required, 'nodeSelectorTerms', fieldPath(requiredPath, 'nodeSelectorTerms'));
}

function podAffinityTerms(ctx: ErrorContext, affinity: Obj, key: 'podAffinity' | 'podAntiAffinity', path: string): PodAffinityTerm[] {
  const sectionPath = fieldPath(path, key);
  const section = optObject(ctx, affinity, key, sectionPath);
  if (section === null) return [];
  const termsPath = fieldPath(sectionPath, 'requiredDuringSchedulingIgnoredDuringExecution');
  return objectList(ctx, section, 'requiredDuringSchedulingIgnoredDuringExecution', termsPath).map(({ item, path: termPath }) => ({
    labelSelector: labelSelector(ctx, item, 'labelSelector', fieldPath(termPath, 'labelSelector')),
    namespaces: stringList(ctx, item, 'namespaces', fieldPath(termPath, 'namespaces')),
    namespaceSelector: labelSelector(ctx, item, 'namespaceSelector', fieldPath(termPath, 'namespaceSelector')),
    topologyKey: reqString(ctx, item, 'topologyKey', fieldPath(termPath, 'topologyKey')),
  }));
}

function topologySpread(ctx: ErrorContext, spec: Obj, path: string): TopologySpreadConstraint[] {
  return objectList(ctx, spec, 'topologySpreadConstraints', path).map(({ item, path: itemPath }) => {
    const maxSkew = optInt(ctx, item, 'maxSkew', fieldPath(itemPath, 'maxSkew'), 1);
    if (maxSkew === null) throw inputError(ctx, fieldPath(itemPath, 'maxSkew'), 'expected a positive integer; found nothing');
    return {
      maxSkew,
      topologyKey: reqString(ctx, item, 'topologyKey', fieldPath(itemPath, 'topologyKey')),
      whenUnsatisfiable: enumString(
        ctx,
        item,
        'whenUnsatisfiable',
        fieldPath(itemPath, 'whenUnsatisfiable'),
        ['DoNotSchedule', 'ScheduleAnyway'] as const,
        null,
      ),
      labelSelector: labelSelector(ctx, item, 'labelSelector', fieldPath(itemPath, 'labelSelector')),
      minDomains: optInt(ctx, item, 'minDomains', fieldPath(itemPath, 'minDomains'), 1),
      nodeAffinityPolicy: enumString(ctx, item, 'nodeAffinityPolicy', fieldPath(itemPath, 'nodeAffinityPolicy'), ['Honor', 'Ignore'] as const, 'Honor'),
      nodeTaintsPolicy: enumString(ctx, item, 'nodeTaintsPolicy', fieldPath(itemPath, 'nodeTaintsPolicy'), ['Honor', 'Ignore'] as const, 'Ignore'),
      matchLabelKeys: stringList(ctx, item, 'matchLabelKeys', fieldPath(itemPath, 'matchLabelKeys')),
    };
  });
}

function containerHostPorts(ctx: ErrorContext, container: Obj, path: string, out: HostPort[]): void {
  for (const { item, path: portPath } of objectList(ctx, container, 'ports', fieldPath(path, 'ports'))) {
    const port = optInt(ctx, item, 'hostPort', fieldPath(portPath, 'hostPort'), 0);
    if (port === null || port === 0) continue;
    if (port > 65535) throw inputError(ctx, fieldPath(portPath, 'hostPort'), `expected a port between 1 and 65535; found ${port}`);
    out.push({
      port,
      protocol: enumString(ctx, item, 'protocol', fieldPath(portPath, 'protocol'), ['TCP', 'UDP', 'SCTP'] as const, 'TCP'),
      hostIP: optString(ctx, item, 'hostIP', fieldPath(portPath, 'hostIP')) ?? '',
    });
  }
}

function hostPorts(ctx: ErrorContext, spec: Obj, specPath: string): HostPort[] {
  const out: HostPort[] = [];
  for (const { item, path } of objectList(ctx, spec, 'containers', fieldPath(specPath, 'containers'))) {
    containerHostPorts(ctx, item, path, out);
  }
  for (const { item, path } of objectList(ctx, spec, 'initContainers', fieldPath(specPath, 'initContainers'))) {
    // Sidecars hold their ports for the pod's whole life; regular init containers' ports do not count.
    if (isSidecar(ctx, item, path)) containerHostPorts(ctx, item, path, out);
  }
  return out;
}

/**
 * Volumes. A generic ephemeral volume becomes the PVC Kubernetes creates for it (`<pod>-<volume>`) when the pod name is
 * known; in a template it stays 'other'.
 */
function volumes(ctx: ErrorContext, spec: Obj, path: string, podName: string | null): PodVolume[] {
  return objectList(ctx, spec, 'volumes', path).map(({ item, path: volumePath }): PodVolume => {
    const name = reqString(ctx, item, 'name', fieldPath(volumePath, 'name'));
    const claim = optObject(ctx, item, 'persistentVolumeClaim', fieldPath(volumePath, 'persistentVolumeClaim'));
    if (claim !== null) {
      const claimPath = fieldPath(fieldPath(volumePath, 'persistentVolumeClaim'), 'claimName');
      return { name, kind: 'pvc', claimName: reqString(ctx, claim, 'claimName', claimPath) };
    }
    if (item['emptyDir'] !== undefined) {
      const emptyDir = objectOrEmpty(ctx, item, 'emptyDir', fieldPath(volumePath, 'emptyDir'));
      return { name, kind: 'emptyDir', medium: optString(ctx, emptyDir, 'medium', fieldPath(fieldPath(volumePath, 'emptyDir'), 'medium')) ?? '' };
    }
    const hostPath = optObject(ctx, item, 'hostPath', fieldPath(volumePath, 'hostPath'));
    if (hostPath !== null) {
      return { name, kind: 'hostPath', path: reqString(ctx, hostPath, 'path', fieldPath(fieldPath(volumePath, 'hostPath'), 'path')) };
    }
    if (podName !== null && item['ephemeral'] !== undefined && item['ephemeral'] !== null) {
      return { name, kind: 'pvc', claimName: `${podName}-${name}` };
    }
    return { name, kind: 'other' };
  });
}

/**
 * PodScheduling of the pod spec `spec` found at `specPath` (e.g. `spec` or `spec.template.spec`). `podName` is the pod's
 * name when this is a real pod, null for a template.
 */
export function podScheduling(ctx: ErrorContext, spec: Obj, specPath: string, podName: string | null): PodScheduling {
  const affinityPath = fieldPath(specPath, 'affinity');
  const affinity = objectOrEmpty(ctx, spec, 'affinity', affinityPath);
  return {
    requests: podRequests(ctx, spec, specPath),
    nodeSelector: stringMap(ctx, spec, 'nodeSelector', fieldPath(specPath, 'nodeSelector')),
    requiredNodeAffinity: requiredNodeAffinity(ctx, affinity, affinityPath),
    tolerations: tolerations(ctx, spec, 'tolerations', fieldPath(specPath, 'tolerations')),
    hostPorts: hostPorts(ctx, spec, specPath),
    podAffinity: podAffinityTerms(ctx, affinity, 'podAffinity', affinityPath),
    podAntiAffinity: podAffinityTerms(ctx, affinity, 'podAntiAffinity', affinityPath),
    topologySpread: topologySpread(ctx, spec, fieldPath(specPath, 'topologySpreadConstraints')),
    volumes: volumes(ctx, spec, fieldPath(specPath, 'volumes'), podName),
    priority: optInt(ctx, spec, 'priority', fieldPath(specPath, 'priority')) ?? 0,
    terminationGracePeriodSeconds:
      optInt(ctx, spec, 'terminationGracePeriodSeconds', fieldPath(specPath, 'terminationGracePeriodSeconds'), 0) ??
      DEFAULT_GRACE_PERIOD_SECONDS,
  };
}

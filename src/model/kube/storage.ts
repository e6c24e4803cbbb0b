/** Volumes and the objects around them: PersistentVolumeClaims, PersistentVolumes, StorageClasses; and Namespaces. */

import type { Namespace, PersistentVolume, PersistentVolumeClaim, StorageClass } from '../types.js';
import { enumString, objectOrEmpty, optObject, optString } from './fields.js';
import { DEFAULT_NAMESPACE, labelsOf } from './metadata.js';
import type { ObjectView } from './metadata.js';
import { nodeSelectorTerms } from './selectors.js';

export function parsePvc(view: ObjectView): PersistentVolumeClaim {
  const { ctx } = view;
  const spec = objectOrEmpty(ctx, view.body, 'spec', 'spec');
  const status = objectOrEmpty(ctx, view.body, 'status', 'status');
  const volumeName = optString(ctx, spec, 'volumeName', 'spec.volumeName');
  return {
    namespace: view.namespace,
    name: view.name,
    volumeName: volumeName === '' ? null : volumeName,
    // '' is meaningful (explicitly no class), so only an absent field becomes null.
    storageClassName: optString(ctx, spec, 'storageClassName', 'spec.storageClassName'),
    phase: optString(ctx, status, 'phase', 'status.phase') ?? 'Pending',
  };
}

export function parsePv(view: ObjectView): PersistentVolume {
  const { ctx } = view;
  const spec = objectOrEmpty(ctx, view.body, 'spec', 'spec');
  const affinity = optObject(ctx, spec, 'nodeAffinity', 'spec.nodeAffinity');
  const required = affinity === null ? null : optObject(ctx, affinity, 'required', 'spec.nodeAffinity.required');
  const claimRef = optObject(ctx, spec, 'claimRef', 'spec.claimRef');
  const claimName = claimRef === null ? null : optString(ctx, claimRef, 'name', 'spec.claimRef.name');
  return {
    name: view.name,
    nodeAffinity:
      required === null ? null : nodeSelectorTerms(ctx, required, 'nodeSelectorTerms', 'spec.nodeAffinity.required.nodeSelectorTerms'),
    labels: labelsOf(view),
    claimRef:
      claimRef === null || claimName === null || claimName === ''
        ? null
        : { namespace: optString(ctx, claimRef, 'namespace', 'spec.claimRef.namespace') || DEFAULT_NAMESPACE, name: claimName },
  };
}

export function parseNamespace(view: ObjectView): Namespace {
  return { name: view.name, labels: labelsOf(view) };
}

export function parseStorageClass(view: ObjectView): StorageClass {
  return {
    name: view.name,
    volumeBindingMode: enumString(
      view.ctx,
      view.body,
      'volumeBindingMode',
      'volumeBindingMode',
      ['Immediate', 'WaitForFirstConsumer'] as const,
      'Immediate',
    ),
  };
}

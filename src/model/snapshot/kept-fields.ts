/**
 * The fields of each kind a cluster snapshot keeps: what src/model/kube/** reads, nothing else. Everything not listed goes:
 * container images, commands, env and envFrom, secret and configMap volume sources, managedFields, status details (images,
 * addresses, container statuses), every annotation but the few the program reads, and every kind the parser skips (Secrets,
 * ConfigMaps, ...).
 *
 * test/unit/model/snapshot checks this list against the parser in both directions, so it cannot drift: every path the parser
 * reads (recorded through a Proxy while it parses rich inputs) is kept here, and every path kept here is read by the parser.
 */
import { DO_NOT_DISRUPT_ANNOTATION, SAFE_TO_EVICT_ANNOTATION } from '../kube/disruption-opt-out.js';
import { keep, list, object, present, type FieldSpec, type ObjectSpec } from './field-spec.js';

/**
 * The annotations anything in the program reads (a test scans the sources for `annotations[...]` reads): the mirror-pod
 * marker, the two disruption opt-outs, and the VNG a KWOK node was created for (capacity-kwok).
 */
export const READ_ANNOTATIONS: readonly string[] = [
  'kubernetes.io/config.mirror',
  DO_NOT_DISRUPT_ANNOTATION,
  SAFE_TO_EVICT_ANNOTATION,
  'vngshift.io/vng',
];

const annotations = object(Object.fromEntries(READ_ANNOTATIONS.map((k) => [k, keep])), {
  omitEmpty: true,
  filtered: 'the model copies every annotation, but only these keys are read anywhere in the program',
});

/** The first Ready condition; or, when there is none, the first condition (a list without Ready is not an empty list). */
function readyCondition(items: readonly Record<string, unknown>[]): readonly Record<string, unknown>[] {
  const ready = items.find((c) => c['type'] === 'Ready') ?? items[0];
  return ready === undefined ? [] : [ready];
}

const conditions = list(object({ type: keep, status: keep }), { select: readyCondition, omitEmpty: true });

/** Container ports count only with a host port (the parser skips hostPort absent, null or 0). */
function hostPortsOnly(items: readonly Record<string, unknown>[]): readonly Record<string, unknown>[] {
  return items.filter((p) => p['hostPort'] !== undefined && p['hostPort'] !== null && p['hostPort'] !== 0);
}

const ports = list(object({ hostPort: keep, protocol: keep, hostIP: keep }), { select: hostPortsOnly, omitEmpty: true });
const resources = object({ requests: keep, limits: keep }, { omitEmpty: true });

const ownerReferences = list(object({ kind: keep, name: keep, uid: keep, controller: keep }));

const affinityTerms = object(
  {
    requiredDuringSchedulingIgnoredDuringExecution: list(object({ labelSelector: keep, namespaces: keep, namespaceSelector: keep, topologyKey: keep })),
  },
  { omitEmpty: true },
);

/** What kube-scheduler reads from a pod spec (pod-scheduling.ts, requests.ts); `pod` for a pod, not a template. */
function podSpec(pod: boolean): ObjectSpec {
  const volume: Record<string, FieldSpec> = {
    name: keep,
    persistentVolumeClaim: object({ claimName: keep }),
    emptyDir: object({ medium: keep }),
    hostPath: object({ path: keep }),
  };
  // A template's generic ephemeral volume is not read (no pod name to derive the claim from).
  if (pod) volume['ephemeral'] = present;
  return object({
    ...(pod ? { nodeName: keep } : {}),
    containers: list(object({ resources, ports })),
    initContainers: list(object({ resources, ports, restartPolicy: keep })),
    overhead: keep,
    nodeSelector: keep,
    affinity: object(
      {
        nodeAffinity: object({ requiredDuringSchedulingIgnoredDuringExecution: keep }, { omitEmpty: true }),
        podAffinity: affinityTerms,
        podAntiAffinity: affinityTerms,
      },
      { omitEmpty: true },
    ),
    tolerations: list(object({ key: keep, operator: keep, value: keep, effect: keep })),
    topologySpreadConstraints: list(
      object({
        maxSkew: keep,
        topologyKey: keep,
        whenUnsatisfiable: keep,
        labelSelector: keep,
        minDomains: keep,
        nodeAffinityPolicy: keep,
        nodeTaintsPolicy: keep,
        matchLabelKeys: keep,
      }),
    ),
    volumes: list(object(volume)),
    priority: keep,
    terminationGracePeriodSeconds: keep,
  });
}

/** apiVersion, kind, and the metadata fields given (name and namespace always). */
function kind(metadata: Readonly<Record<string, FieldSpec>>, rest: Readonly<Record<string, FieldSpec>>): ObjectSpec {
  return object({ apiVersion: keep, kind: keep, metadata: object({ name: keep, namespace: keep, ...metadata }), ...rest });
}

const workloadMetadata = { uid: keep, ownerReferences };

/** The kept fields by kind; a kind not listed here is not kept at all. */
export const KEPT_FIELDS: ReadonlyMap<string, ObjectSpec> = new Map<string, ObjectSpec>([
  [
    'Node',
    kind(
      { uid: keep, labels: keep, annotations },
      {
        spec: object({ providerID: keep, unschedulable: keep, taints: list(object({ key: keep, value: keep, effect: keep })) }),
        status: object({ capacity: keep, allocatable: keep, conditions }),
      },
    ),
  ],
  [
    'Pod',
    kind(
      { uid: keep, labels: keep, annotations, ownerReferences },
      { spec: podSpec(true), status: object({ phase: keep, conditions }) },
    ),
  ],
  [
    'PodDisruptionBudget',
    kind({}, { spec: object({ selector: keep, minAvailable: keep, maxUnavailable: keep }), status: object({ disruptionsAllowed: keep }, { omitEmpty: true }) }),
  ],
  [
    'DaemonSet',
    kind({ uid: keep }, { spec: object({ template: object({ metadata: object({ labels: keep }), spec: podSpec(false) }) }) }),
  ],
  ['ReplicaSet', kind(workloadMetadata, { spec: object({ replicas: keep }) })],
  ['Deployment', kind(workloadMetadata, { spec: object({ replicas: keep }) })],
  ['StatefulSet', kind(workloadMetadata, { spec: object({ replicas: keep }) })],
  ['ReplicationController', kind(workloadMetadata, { spec: object({ replicas: keep }) })],
  ['Job', kind(workloadMetadata, { spec: object({ parallelism: keep }) })],
  // A CronJob's spec is only checked to be an object: no pod count.
  ['CronJob', kind(workloadMetadata, { spec: object({}, { omitEmpty: true }) })],
  [
    'PersistentVolumeClaim',
    kind({}, { spec: object({ volumeName: keep, storageClassName: keep }), status: object({ phase: keep }, { omitEmpty: true }) }),
  ],
  [
    'PersistentVolume',
    kind({ labels: keep }, { spec: object({ nodeAffinity: object({ required: keep }, { omitEmpty: true }), claimRef: object({ name: keep, namespace: keep }) }) }),
  ],
  ['Namespace', kind({ labels: keep }, {})],
  ['StorageClass', kind({}, { volumeBindingMode: keep })],
]);

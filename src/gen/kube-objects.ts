/**
 * Builds the Kubernetes objects, shaped as `kubectl get ... -o json` prints them, from the generator's records. Every object
 * is a fresh tree (no shared sub-objects), so callers may edit one without touching another.
 */
import type { GenNode } from './node-fleet.js';
import type { GenDaemonSet, GenPdb, GenPod, GenTemplate, GenToleration, GenWorkload } from './plan-records.js';
import { ipv4 } from './names.js';
import { cpuText, timestampText } from './quantity-text.js';
import type { ResolvedClusterGenSpec } from './spec.js';

/** A Kubernetes object as plain JSON data. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: KubeMetadata;
  [field: string]: unknown;
}

export interface KubeMetadata {
  name: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: KubeOwnerReference[];
  [field: string]: unknown;
}

export interface KubeOwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: boolean;
  blockOwnerDeletion: boolean;
}

type Json = Record<string, unknown>;

function ownerRef(apiVersion: string, kind: string, name: string, uid: string): KubeOwnerReference {
  return { apiVersion, blockOwnerDeletion: true, controller: true, kind, name, uid };
}

function condition(type: string, status: 'True' | 'False', atMs: number, extra: Json = {}): Json {
  return { lastProbeTime: null, lastTransitionTime: timestampText(atMs), ...extra, status, type };
}

// ---------- nodes ----------

export function nodeObject(n: GenNode, spec: ResolvedClusterGenSpec, amiId: string, bootId: string): KubeObject {
  const created = timestampText(n.createdMs);
  const arch = n.facts.architecture;
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/instance-type': n.facts.name,
    'beta.kubernetes.io/os': 'linux',
    'eks.amazonaws.com/capacityType': 'ON_DEMAND',
    'eks.amazonaws.com/nodegroup': n.nodegroup,
    'eks.amazonaws.com/nodegroup-image': amiId,
    'failure-domain.beta.kubernetes.io/region': spec.region,
    'failure-domain.beta.kubernetes.io/zone': n.zone,
    'k8s.io/cloud-provider-aws': spec.clusterName,
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': n.name,
    'kubernetes.io/os': 'linux',
    'node.kubernetes.io/instance-type': n.facts.name,
    'topology.ebs.csi.aws.com/zone': n.zone,
    'topology.kubernetes.io/region': spec.region,
    'topology.kubernetes.io/zone': n.zone,
  };
  for (const key of Object.keys(n.extraLabels).sort()) labels[key] = n.extraLabels[key] as string;
  const cap = n.sizing.capacity;
  const alloc = n.sizing.allocatable;
  const capacity: Record<string, string> = {
    cpu: cpuText(cap.cpuMillicores),
    'ephemeral-storage': `${cap.ephemeralKi}Ki`,
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: `${cap.memoryKi}Ki`,
  };
  const allocatable: Record<string, string> = {
    cpu: cpuText(alloc.cpuMillicores),
    'ephemeral-storage': String(alloc.ephemeralKi * 1024),
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: `${alloc.memoryKi}Ki`,
  };
  if (cap.gpus > 0) {
    capacity['nvidia.com/gpu'] = String(cap.gpus);
    allocatable['nvidia.com/gpu'] = String(alloc.gpus);
  }
  capacity['pods'] = String(cap.pods);
  allocatable['pods'] = String(alloc.pods);
  const nodeSpec: Json = { providerID: `aws:///${n.zone}/${n.instanceId}` };
  if (n.taints.length > 0) nodeSpec['taints'] = n.taints.map((t) => ({ effect: t.effect, key: t.key, value: t.value }));
  const ip = ipv4(n.address);
  const ready = n.createdMs + 45_000;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      annotations: {
        'alpha.kubernetes.io/provided-node-ip': ip,
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
      creationTimestamp: created,
      labels,
      name: n.name,
      uid: n.uid,
    },
    spec: nodeSpec,
    status: {
      addresses: [
        { address: ip, type: 'InternalIP' },
        { address: n.name, type: 'InternalDNS' },
        { address: n.name, type: 'Hostname' },
      ],
      allocatable,
      capacity,
      conditions: [
        nodeCondition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available', n.createdMs),
        nodeCondition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', n.createdMs),
        nodeCondition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', n.createdMs),
        nodeCondition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status', ready),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: arch,
        bootID: bootId,
        containerRuntimeVersion: 'containerd://1.7.25',
        kernelVersion: '6.1.124-134.200.amzn2023.x86_64'.replace('x86_64', arch === 'arm64' ? 'aarch64' : 'x86_64'),
        kubeProxyVersion: spec.kubernetesVersion,
        kubeletVersion: spec.kubernetesVersion,
        machineID: n.uid.replaceAll('-', ''),
        operatingSystem: 'linux',
        osImage: 'Amazon Linux 2023.6.20250203',
        systemUUID: `ec2${n.instanceId.slice(2, 7)}-${n.uid.slice(9)}`,
      },
      phase: 'Running',
    },
  };
}

function nodeCondition(type: string, status: 'True' | 'False', reason: string, message: string, atMs: number): Json {
  const at = timestampText(atMs);
  return { lastHeartbeatTime: at, lastTransitionTime: at, message, reason, status, type };
}

// ---------- pod specs ----------

const DEFAULT_EVICTION_TOLERATIONS: readonly Json[] = [
  { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
  { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
];

function tolerationJson(t: GenToleration): Json {
  const out: Json = { effect: t.effect, key: t.key, operator: t.operator };
  if (t.value !== null) out['value'] = t.value;
  return out;
}

/** spec of a workload's pod template (volumeClaim: the StatefulSet claim template's volume name). */
function workloadPodSpec(w: GenWorkload, pod: GenPod | null): Json {
  const t: GenTemplate = w.template;
  const requests: Record<string, string> = { cpu: t.size.cpu, memory: t.size.memory };
  const limits: Record<string, string> = { memory: t.size.memory };
  if (t.gpus > 0) {
    requests['nvidia.com/gpu'] = String(t.gpus);
    limits['nvidia.com/gpu'] = String(t.gpus);
  }
  const volumeMounts: Json[] = [];
  const volumes: Json[] = [];
  if (t.volumeClaim) {
    volumeMounts.push({ mountPath: '/var/lib/data', name: 'data' });
    if (pod !== null) volumes.push({ name: 'data', persistentVolumeClaim: { claimName: `data-${pod.name}` } });
  }
  if (t.emptyDir) {
    volumeMounts.push({ mountPath: '/tmp/scratch', name: 'scratch' });
    volumes.push({ emptyDir: {}, name: 'scratch' });
  }
  const container: Json = {
    image: t.image,
    imagePullPolicy: 'IfNotPresent',
    name: w.name,
    ports: [{ containerPort: t.port, name: 'http', protocol: 'TCP' }],
    resources: { limits, requests },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
  if (volumeMounts.length > 0) container['volumeMounts'] = volumeMounts;
  const spec: Json = {};
  const podAntiAffinity = t.hostnameAntiAffinity
    ? {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: { app: w.name } }, topologyKey: 'kubernetes.io/hostname' },
          ],
        },
      }
    : null;
  if (podAntiAffinity !== null) spec['affinity'] = podAntiAffinity;
  spec['containers'] = [container];
  spec['dnsPolicy'] = 'ClusterFirst';
  spec['enableServiceLinks'] = true;
  if (pod?.node != null) spec['nodeName'] = pod.node.name;
  if (Object.keys(t.nodeSelector).length > 0) spec['nodeSelector'] = { ...t.nodeSelector };
  if (pod !== null) {
    spec['preemptionPolicy'] = 'PreemptLowerPriority';
    spec['priority'] = 0;
  }
  spec['restartPolicy'] = w.shape === 'Job' ? 'Never' : 'Always';
  spec['schedulerName'] = 'default-scheduler';
  spec['securityContext'] = {};
  if (pod !== null) spec['serviceAccount'] = 'default';
  spec['serviceAccountName'] = 'default';
  spec['terminationGracePeriodSeconds'] = 30;
  const tolerations = t.tolerations.map(tolerationJson);
  if (pod !== null) tolerations.push(...DEFAULT_EVICTION_TOLERATIONS.map((x) => ({ ...x })));
  if (tolerations.length > 0) spec['tolerations'] = tolerations;
  if (t.zoneSpread) {
    spec['topologySpreadConstraints'] = [
      { labelSelector: { matchLabels: { app: w.name } }, maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' },
    ];
  }
  if (volumes.length > 0) spec['volumes'] = volumes;
  return spec;
}

function templateAnnotations(t: GenTemplate): Record<string, string> | null {
  return t.safeToEvictFalse ? { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' } : null;
}

function podStatus(pod: GenPod, containerName: string, image: string, imageID: string, qosClass: string, totalNodes: number): Json {
  if (pod.node === null || pod.podIp === null) {
    return {
      conditions: [
        condition('PodScheduled', 'False', pod.createdMs, {
          message: `0/${totalNodes} nodes are available: ${totalNodes} Insufficient cpu. preemption: 0/${totalNodes} nodes are available: ${totalNodes} No preemption victims found for incoming pod.`,
          reason: 'Unschedulable',
        }),
      ],
      phase: 'Pending',
      qosClass,
    };
  }
  const scheduled = pod.createdMs + 1000;
  const running = pod.createdMs + 9000;
  const hostIp = ipv4(pod.node.address);
  const podIp = ipv4(pod.podIp);
  return {
    conditions: [
      condition('PodReadyToStartContainers', 'True', running),
      condition('Initialized', 'True', scheduled),
      condition('Ready', 'True', running + 4000),
      condition('ContainersReady', 'True', running + 4000),
      condition('PodScheduled', 'True', scheduled),
    ],
    containerStatuses: [
      {
        containerID: pod.containerId,
        image,
        imageID,
        lastState: {},
        name: containerName,
        ready: true,
        restartCount: 0,
        started: true,
        state: { running: { startedAt: timestampText(running) } },
      },
    ],
    hostIP: hostIp,
    hostIPs: [{ ip: hostIp }],
    phase: 'Running',
    podIP: podIp,
    podIPs: [{ ip: podIp }],
    qosClass,
    startTime: timestampText(scheduled),
  };
}

// ---------- workload pods and controllers ----------

function appLabels(w: GenWorkload): Record<string, string> {
  return { app: w.name };
}

function jobLabels(w: GenWorkload): Record<string, string> {
  return {
    app: w.name,
    'batch.kubernetes.io/controller-uid': w.uid,
    'batch.kubernetes.io/job-name': w.name,
    'controller-uid': w.uid,
    'job-name': w.name,
  };
}

export function replicaSetName(w: GenWorkload): string {
  return `${w.name}-${w.revisionHash}`;
}

function workloadPodLabels(w: GenWorkload, pod: GenPod): Record<string, string> {
  switch (w.shape) {
    case 'Deployment':
      return { app: w.name, 'pod-template-hash': w.revisionHash };
    case 'StatefulSet':
      return {
        app: w.name,
        'apps.kubernetes.io/pod-index': String(pod.ordinal),
        'controller-revision-hash': `${w.name}-${w.revisionHash}`,
        'statefulset.kubernetes.io/pod-name': pod.name,
      };
    case 'Job':
      return jobLabels(w);
    case 'Pod':
      return appLabels(w);
  }
}

export function workloadPodObject(w: GenWorkload, pod: GenPod, totalNodes: number): KubeObject {
  const metadata: Json = {};
  const annotations = templateAnnotations(w.template);
  if (annotations !== null) metadata['annotations'] = annotations;
  metadata['creationTimestamp'] = timestampText(pod.createdMs);
  if (w.shape === 'Deployment') metadata['generateName'] = `${replicaSetName(w)}-`;
  if (w.shape === 'Job') metadata['generateName'] = `${w.name}-`;
  metadata['labels'] = workloadPodLabels(w, pod);
  metadata['name'] = pod.name;
  metadata['namespace'] = w.namespace;
  if (w.shape === 'Deployment') metadata['ownerReferences'] = [ownerRef('apps/v1', 'ReplicaSet', replicaSetName(w), w.replicaSetUid)];
  if (w.shape === 'StatefulSet') metadata['ownerReferences'] = [ownerRef('apps/v1', 'StatefulSet', w.name, w.uid)];
  if (w.shape === 'Job') metadata['ownerReferences'] = [ownerRef('batch/v1', 'Job', w.name, w.uid)];
  metadata['uid'] = pod.uid;
  const spec = workloadPodSpec(w, pod);
  if (w.shape === 'StatefulSet') {
    spec['hostname'] = pod.name;
    spec['subdomain'] = w.name;
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: metadata as KubeMetadata,
    spec,
    status: podStatus(pod, w.name, w.template.image, w.template.imageId, 'Burstable', totalNodes),
  };
}

function podTemplate(w: GenWorkload): Json {
  const labels = w.shape === 'Job' ? jobLabels(w) : appLabels(w);
  const metadata: Json = {};
  const annotations = templateAnnotations(w.template);
  if (annotations !== null) metadata['annotations'] = annotations;
  metadata['creationTimestamp'] = null;
  metadata['labels'] = labels;
  return { metadata, spec: workloadPodSpec(w, null) };
}

function readyCount(w: GenWorkload): number {
  return w.pods.filter((p) => p.node !== null).length;
}

export function controllerObjects(w: GenWorkload): KubeObject[] {
  const created = timestampText(w.createdMs);
  const replicas = w.pods.length;
  const ready = readyCount(w);
  switch (w.shape) {
    case 'Deployment': {
      const deployment: KubeObject = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          annotations: { 'deployment.kubernetes.io/revision': '1' },
          creationTimestamp: created,
          generation: 1,
          labels: appLabels(w),
          name: w.name,
          namespace: w.namespace,
          uid: w.uid,
        },
        spec: {
          progressDeadlineSeconds: 600,
          replicas,
          revisionHistoryLimit: 10,
          selector: { matchLabels: appLabels(w) },
          strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
          template: podTemplate(w),
        },
        status: {
          availableReplicas: ready,
          conditions: [
            { lastTransitionTime: created, lastUpdateTime: created, message: ready >= replicas ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.', reason: ready >= replicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', status: ready >= replicas ? 'True' : 'False', type: 'Available' },
            { lastTransitionTime: created, lastUpdateTime: created, message: `ReplicaSet "${replicaSetName(w)}" has successfully progressed.`, reason: 'NewReplicaSetAvailable', status: 'True', type: 'Progressing' },
          ],
          observedGeneration: 1,
          readyReplicas: ready,
          replicas,
          updatedReplicas: replicas,
        },
      };
      const template = podTemplate(w);
      const templateMeta = template['metadata'] as Json;
      templateMeta['labels'] = { app: w.name, 'pod-template-hash': w.revisionHash };
      const replicaSet: KubeObject = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          annotations: {
            'deployment.kubernetes.io/desired-replicas': String(replicas),
            'deployment.kubernetes.io/max-replicas': String(replicas + Math.ceil(replicas / 4)),
            'deployment.kubernetes.io/revision': '1',
          },
          creationTimestamp: created,
          generation: 1,
          labels: { app: w.name, 'pod-template-hash': w.revisionHash },
          name: replicaSetName(w),
          namespace: w.namespace,
          ownerReferences: [ownerRef('apps/v1', 'Deployment', w.name, w.uid)],
          uid: w.replicaSetUid,
        },
        spec: {
          replicas,
          selector: { matchLabels: { app: w.name, 'pod-template-hash': w.revisionHash } },
          template,
        },
        status: { availableReplicas: ready, fullyLabeledReplicas: replicas, observedGeneration: 1, readyReplicas: ready, replicas },
      };
      return [deployment, replicaSet];
    }
    case 'StatefulSet': {
      const revision = `${w.name}-${w.revisionHash}`;
      const sizeGi = w.pods[0]?.volume?.sizeGi ?? 10;
      return [
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: { creationTimestamp: created, generation: 1, labels: appLabels(w), name: w.name, namespace: w.namespace, uid: w.uid },
          spec: {
            persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
            podManagementPolicy: 'OrderedReady',
            replicas,
            revisionHistoryLimit: 10,
            selector: { matchLabels: appLabels(w) },
            serviceName: w.name,
            template: podTemplate(w),
            updateStrategy: { rollingUpdate: { partition: 0 }, type: 'RollingUpdate' },
            volumeClaimTemplates: [
              {
                apiVersion: 'v1',
                kind: 'PersistentVolumeClaim',
                metadata: { creationTimestamp: null, name: 'data' },
                spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: `${sizeGi}Gi` } }, storageClassName: 'gp3', volumeMode: 'Filesystem' },
                status: { phase: 'Pending' },
              },
            ],
          },
          status: {
            availableReplicas: ready,
            collisionCount: 0,
            currentReplicas: replicas,
            currentRevision: revision,
            observedGeneration: 1,
            readyReplicas: ready,
            replicas,
            updateRevision: revision,
            updatedReplicas: replicas,
          },
        },
      ];
    }
    case 'Job': {
      const template = podTemplate(w);
      return [
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: {
            creationTimestamp: created,
            generation: 1,
            labels: jobLabels(w),
            name: w.name,
            namespace: w.namespace,
            uid: w.uid,
          },
          spec: {
            backoffLimit: 6,
            completionMode: 'NonIndexed',
            completions: replicas,
            manualSelector: false,
            parallelism: replicas,
            podReplacementPolicy: 'TerminatingOrFailed',
            selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': w.uid } },
            suspend: false,
            template,
          },
          status: { active: replicas, ready, startTime: created, terminating: 0, uncountedTerminatedPods: {} },
        },
      ];
    }
    case 'Pod':
      return [];
  }
}

/** The PDB's status as the disruption controller would compute it from the workload's pods. */
export function pdbObject(w: GenWorkload, pdb: GenPdb): KubeObject {
  const expected = w.pods.length;
  const healthy = readyCount(w);
  const scaled = (v: number | string): number => (typeof v === 'number' ? v : Math.ceil((Number.parseInt(v, 10) * expected) / 100));
  const desired =
    pdb.minAvailable !== null ? scaled(pdb.minAvailable) : pdb.maxUnavailable !== null ? Math.max(0, expected - scaled(pdb.maxUnavailable)) : expected;
  const allowed = Math.max(0, healthy - desired);
  const spec: Json = {};
  if (pdb.maxUnavailable !== null) spec['maxUnavailable'] = pdb.maxUnavailable;
  if (pdb.minAvailable !== null) spec['minAvailable'] = pdb.minAvailable;
  spec['selector'] = { matchLabels: appLabels(w) };
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { creationTimestamp: timestampText(w.createdMs), generation: 1, name: pdb.name, namespace: w.namespace, uid: pdb.uid },
    spec,
    status: {
      conditions: [
        {
          lastTransitionTime: timestampText(w.createdMs),
          message: '',
          observedGeneration: 1,
          reason: allowed > 0 ? 'SufficientPods' : 'InsufficientPods',
          status: allowed > 0 ? 'True' : 'False',
          type: 'DisruptionAllowed',
        },
      ],
      currentHealthy: healthy,
      desiredHealthy: desired,
      disruptionsAllowed: allowed,
      expectedPods: expected,
      observedGeneration: 1,
    },
  };
}

export function volumeObjects(w: GenWorkload, pod: GenPod): KubeObject[] {
  const v = pod.volume;
  if (v === null) return [];
  const pvName = `pvc-${v.claimUid}`;
  const created = timestampText(pod.createdMs);
  const storage = `${v.sizeGi}Gi`;
  return [
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        annotations: {
          'pv.kubernetes.io/bind-completed': 'yes',
          'pv.kubernetes.io/bound-by-controller': 'yes',
          'volume.beta.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com',
          'volume.kubernetes.io/selected-node': v.nodeName,
          'volume.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com',
        },
        creationTimestamp: created,
        finalizers: ['kubernetes.io/pvc-protection'],
        labels: appLabels(w),
        name: v.claimName,
        namespace: w.namespace,
        uid: v.claimUid,
      },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } }, storageClassName: 'gp3', volumeMode: 'Filesystem', volumeName: pvName },
      status: { accessModes: ['ReadWriteOnce'], capacity: { storage }, phase: 'Bound' },
    },
    {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: {
        annotations: { 'pv.kubernetes.io/provisioned-by': 'ebs.csi.aws.com', 'volume.kubernetes.io/provisioner-deletion-secret-name': '', 'volume.kubernetes.io/provisioner-deletion-secret-namespace': '' },
        creationTimestamp: created,
        finalizers: ['external-provisioner.volume.kubernetes.io/finalizer', 'kubernetes.io/pv-protection'],
        name: pvName,
        uid: `${v.claimUid.slice(0, 24)}${v.volumeHandle.slice(-12)}`,
      },
      spec: {
        accessModes: ['ReadWriteOnce'],
        capacity: { storage },
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: v.claimName, namespace: w.namespace, uid: v.claimUid },
        csi: { driver: 'ebs.csi.aws.com', fsType: 'ext4', volumeHandle: v.volumeHandle },
        nodeAffinity: {
          required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: [v.zone] }] }] },
        },
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: 'gp3',
        volumeMode: 'Filesystem',
      },
      status: { lastPhaseTransitionTime: created, phase: 'Bound' },
    },
  ];
}

// ---------- DaemonSets ----------

function daemonSetLabels(ds: GenDaemonSet): Record<string, string> {
  return { 'k8s-app': ds.spec.name };
}

function daemonSetPodSpec(ds: GenDaemonSet, node: GenNode | null): Json {
  const requests: Record<string, string> = { cpu: ds.spec.cpu };
  if (ds.spec.memory !== null) requests['memory'] = ds.spec.memory;
  const container: Json = {
    image: ds.spec.image,
    imagePullPolicy: 'IfNotPresent',
    name: ds.spec.name,
    resources: { requests },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
  const spec: Json = {};
  if (node !== null) {
    spec['affinity'] = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node.name] }] }],
        },
      },
    };
  }
  spec['containers'] = [container];
  spec['dnsPolicy'] = ds.spec.hostNetwork ? 'ClusterFirstWithHostNet' : 'ClusterFirst';
  spec['enableServiceLinks'] = true;
  if (ds.spec.hostNetwork) spec['hostNetwork'] = true;
  if (node !== null) {
    spec['nodeName'] = node.name;
    spec['preemptionPolicy'] = 'PreemptLowerPriority';
    spec['priority'] = 2000001000;
  }
  spec['priorityClassName'] = 'system-node-critical';
  spec['restartPolicy'] = 'Always';
  spec['schedulerName'] = 'default-scheduler';
  spec['securityContext'] = {};
  spec['serviceAccountName'] = ds.spec.name;
  spec['terminationGracePeriodSeconds'] = 30;
  const tolerations: Json[] = [{ operator: 'Exists' }];
  if (node !== null) {
    tolerations.push(
      { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists' },
      { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists' },
      { effect: 'NoSchedule', key: 'node.kubernetes.io/disk-pressure', operator: 'Exists' },
      { effect: 'NoSchedule', key: 'node.kubernetes.io/memory-pressure', operator: 'Exists' },
      { effect: 'NoSchedule', key: 'node.kubernetes.io/pid-pressure', operator: 'Exists' },
      { effect: 'NoSchedule', key: 'node.kubernetes.io/unschedulable', operator: 'Exists' },
    );
    if (ds.spec.hostNetwork) tolerations.push({ effect: 'NoSchedule', key: 'node.kubernetes.io/network-unavailable', operator: 'Exists' });
  }
  spec['tolerations'] = tolerations;
  return spec;
}

export function daemonSetObject(ds: GenDaemonSet): KubeObject {
  const created = timestampText(ds.createdMs);
  const n = ds.pods.length;
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {
      annotations: { 'deprecated.daemonset.template.generation': '1' },
      creationTimestamp: created,
      generation: 1,
      labels: daemonSetLabels(ds),
      name: ds.spec.name,
      namespace: ds.spec.namespace,
      uid: ds.uid,
    },
    spec: {
      revisionHistoryLimit: 10,
      selector: { matchLabels: daemonSetLabels(ds) },
      template: { metadata: { creationTimestamp: null, labels: daemonSetLabels(ds) }, spec: daemonSetPodSpec(ds, null) },
      updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: '10%' }, type: 'RollingUpdate' },
    },
    status: {
      currentNumberScheduled: n,
      desiredNumberScheduled: n,
      numberAvailable: n,
      numberMisscheduled: 0,
      numberReady: n,
      observedGeneration: 1,
      updatedNumberScheduled: n,
    },
  };
}

export function daemonSetPodObject(ds: GenDaemonSet, pod: GenPod, totalNodes: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      creationTimestamp: timestampText(pod.createdMs),
      generateName: `${ds.spec.name}-`,
      labels: { 'controller-revision-hash': ds.revisionHash, 'k8s-app': ds.spec.name, 'pod-template-generation': '1' },
      name: pod.name,
      namespace: ds.spec.namespace,
      ownerReferences: [ownerRef('apps/v1', 'DaemonSet', ds.spec.name, ds.uid)],
      uid: pod.uid,
    },
    spec: daemonSetPodSpec(ds, pod.node),
    status: podStatus(pod, ds.spec.name, ds.spec.image, ds.imageId, 'Burstable', totalNodes),
  };
}

// ---------- cluster-scoped helpers ----------

export function namespaceObject(name: string, createdMs: number, uid: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { creationTimestamp: timestampText(createdMs), labels: { 'kubernetes.io/metadata.name': name }, name, uid },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

export function storageClassObject(createdMs: number, uid: string): KubeObject {
  return {
    allowVolumeExpansion: true,
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
      creationTimestamp: timestampText(createdMs),
      name: 'gp3',
      uid,
    },
    parameters: { encrypted: 'true', type: 'gp3' },
    provisioner: 'ebs.csi.aws.com',
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  };
}

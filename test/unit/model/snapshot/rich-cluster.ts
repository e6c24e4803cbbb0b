/**
 * A small cluster dump that uses every field the cluster parser reads (so the snapshot's field list is exercised path by
 * path), next to the things a snapshot must never carry: Secret and ConfigMap data, env values, managedFields, the
 * last-applied-configuration annotation, images and commands. SECRET_MARKERS are strings that occur only in those.
 */

/** Strings that appear only in fields or objects a snapshot must leave out. */
export const SECRET_MARKERS = [
  'hunter2-env-value',
  'c2VjcmV0LWRhdGE=',
  'configmap-data-value',
  'last-applied-secret',
  'managed-fields-manager',
  'registry.example/secret-image',
  'secret-command-arg',
  'secret-volume-name-ref',
  'string-data-value',
  'envfrom-secret-ref',
  'preferred-only-label',
  'status-image-sha',
] as const;

const managedFields = [{ manager: 'managed-fields-manager', operation: 'Update', fieldsV1: { 'f:metadata': {} } }];

const container = {
  name: 'app',
  image: 'registry.example/secret-image:1',
  command: ['/bin/app', 'secret-command-arg'],
  env: [
    { name: 'PASSWORD', value: 'hunter2-env-value' },
    { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'db', key: 'token' } } },
  ],
  envFrom: [{ secretRef: { name: 'envfrom-secret-ref' } }],
  resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi', 'nvidia.com/gpu': '1' }, claims: [{ name: 'x' }] },
  ports: [
    { name: 'http', containerPort: 80, protocol: 'TCP' },
    { containerPort: 8080, hostPort: 8080, protocol: 'UDP', hostIP: '10.0.0.1' },
    { containerPort: 9090, hostPort: 0 },
  ],
  volumeMounts: [{ name: 'data', mountPath: '/data' }],
};

/** A pod using every scheduling field. */
const richPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-0',
    namespace: 'shop',
    uid: 'pod-uid-web-0',
    labels: { app: 'web', tier: 'front' },
    annotations: {
      'karpenter.sh/do-not-disrupt': 'true',
      'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false',
      'kubectl.kubernetes.io/last-applied-configuration': '{"password":"last-applied-secret"}',
      'prometheus.io/scrape': 'true',
    },
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'sts-uid-web', controller: true, blockOwnerDeletion: true },
      { apiVersion: 'example.com/v1', kind: 'Workflow', name: 'other-owner', uid: 'wf-uid' },
    ],
    managedFields,
    creationTimestamp: '2026-01-01T00:00:00Z',
    resourceVersion: '123',
  },
  spec: {
    nodeName: 'node-a',
    serviceAccountName: 'web',
    containers: [container, { name: 'bare', image: 'registry.example/secret-image:2' }],
    initContainers: [
      {
        name: 'sidecar',
        image: 'registry.example/secret-image:3',
        restartPolicy: 'Always',
        resources: { requests: { cpu: '50m', memory: '32Mi' } },
        ports: [{ containerPort: 9000, hostPort: 9000 }],
      },
      { name: 'migrate', image: 'registry.example/secret-image:4', resources: { requests: { cpu: '1', memory: '64Mi' } }, ports: [{ containerPort: 7000, hostPort: 7000 }] },
    ],
    overhead: { cpu: '10m', memory: '16Mi' },
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'cpu-count', operator: 'Gt', values: ['2'] }], matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['node-x'] }] },
          ],
        },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'preferred-only-label', operator: 'Exists' }] } }],
      },
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            labelSelector: { matchLabels: { app: 'cache' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] },
            namespaces: ['shop', 'cache'],
            namespaceSelector: { matchLabels: { team: 'shop' } },
            topologyKey: 'topology.kubernetes.io/zone',
            matchLabelKeys: ['pod-template-hash'],
          },
        ],
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: {} } }],
      },
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }],
      },
    },
    tolerations: [
      { key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { operator: 'Exists' },
    ],
    topologySpreadConstraints: [
      {
        maxSkew: 2,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: { matchLabels: { app: 'web' } },
        minDomains: 3,
        nodeAffinityPolicy: 'Ignore',
        nodeTaintsPolicy: 'Honor',
        matchLabelKeys: ['pod-template-hash'],
      },
    ],
    volumes: [
      { name: 'data', persistentVolumeClaim: { claimName: 'data-web-0', readOnly: false } },
      { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
      { name: 'tmp', emptyDir: {} },
      { name: 'logs', hostPath: { path: '/var/log', type: 'Directory' } },
      { name: 'cache', ephemeral: { volumeClaimTemplate: { spec: { storageClassName: 'gp3', resources: { requests: { storage: '1Gi' } } } } } },
      { name: 'creds', secret: { secretName: 'secret-volume-name-ref' } },
      { name: 'config', configMap: { name: 'app-config' } },
      { name: 'token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
    ],
    priority: 1000,
    priorityClassName: 'high',
    terminationGracePeriodSeconds: 45,
    securityContext: { runAsUser: 1000 },
  },
  status: {
    phase: 'Running',
    conditions: [
      { type: 'Initialized', status: 'True', lastTransitionTime: '2026-01-01T00:00:01Z' },
      { type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:02Z' },
      { type: 'ContainersReady', status: 'True' },
    ],
    containerStatuses: [{ name: 'app', imageID: 'status-image-sha', ready: true }],
    podIP: '10.1.2.3',
  },
};

const node = (name: string, extra: { conditions?: unknown[]; annotations?: Record<string, string>; unschedulable?: boolean }): unknown => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: {
    name,
    uid: `node-uid-${name}`,
    labels: { 'kubernetes.io/hostname': name, 'node.kubernetes.io/instance-type': 'm5.xlarge', 'topology.kubernetes.io/zone': 'us-east-1a', 'cpu-count': '4' },
    annotations: { 'node.alpha.kubernetes.io/ttl': '0', ...extra.annotations },
    managedFields,
  },
  spec: {
    providerID: `aws:///us-east-1a/i-0${name.replace(/[^a-z0-9]/g, '')}0000000`,
    ...(extra.unschedulable !== undefined ? { unschedulable: extra.unschedulable } : {}),
    taints: [{ key: 'dedicated', value: 'web', effect: 'NoSchedule', timeAdded: '2026-01-01T00:00:00Z' }],
    podCIDR: '10.1.0.0/24',
  },
  status: {
    capacity: { cpu: '4', memory: '16Gi', pods: '58', 'ephemeral-storage': '20Gi' },
    allocatable: { cpu: '3920m', memory: '15Gi', pods: '58', 'ephemeral-storage': '18Gi' },
    ...(extra.conditions !== undefined ? { conditions: extra.conditions } : {}),
    images: [{ names: ['status-image-sha'], sizeBytes: 1 }],
    nodeInfo: { kubeletVersion: 'v1.31.0' },
    addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
  },
});

/** A pod template with every scheduling field a pod has (a template has no node, and its ephemeral volumes are not read). */
function podTemplate(): unknown {
  const { nodeName: _node, ...spec } = richPod.spec;
  return { metadata: { labels: { app: 'agent' }, annotations: { 'checksum/config': 'abc' } }, spec };
}

/** An owner outside the input (an operator's custom resource): the workload is its own top level. */
const operatorOwner = (name: string): unknown[] => [{ apiVersion: 'example.com/v1', kind: 'Rollout', name, uid: `rollout-uid-${name}`, controller: true }];

/** The whole dump, as `kubectl get ... -o json` lists it (one v1 List). */
export function richClusterList(): unknown {
  const items: unknown[] = [
    node('node-a', {
      annotations: { 'vngshift.io/vng': 'general' },
      conditions: [
        { type: 'MemoryPressure', status: 'False' },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
    }),
    // Conditions without Ready: not ready (an empty list would mean ready).
    node('node-b', { conditions: [{ type: 'DiskPressure', status: 'False' }], unschedulable: true }),
    node('node-c', {}),
    richPod,
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'static-web-node-a', namespace: 'kube-system', annotations: { 'kubernetes.io/config.mirror': 'abc123', 'kubernetes.io/config.source': 'file' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node-a', uid: 'node-uid-node-a' }] },
      spec: { nodeName: 'node-a', containers: [{ name: 'web', image: 'registry.example/secret-image:5', resources: { limits: { cpu: '100m' } } }] },
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'job-1-abcde', namespace: 'batch', uid: 'pod-uid-job', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'report-1', uid: 'job-uid-1', controller: true }] },
      spec: { containers: [{ name: 'job', image: 'registry.example/secret-image:6' }], volumes: [{ name: 'scratch', emptyDir: null }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'api-7d9f-x1', namespace: 'shop', uid: 'pod-uid-api', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api-7d9f', uid: 'rs-uid-api', controller: true }] },
      spec: { nodeName: 'node-c', containers: [{ name: 'api', image: 'registry.example/secret-image:7', resources: { requests: { cpu: '100m', memory: '128Mi' } } }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'kube-system', uid: 'ds-uid-agent', labels: { app: 'agent' }, managedFields },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: podTemplate() },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'api-7d9f', namespace: 'shop', uid: 'rs-uid-api', labels: { app: 'api' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', uid: 'deploy-uid-api', controller: true }] },
      spec: { replicas: 3, selector: { matchLabels: { app: 'api' } }, template: podTemplate() },
    },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop', uid: 'deploy-uid-api', ownerReferences: operatorOwner('api') }, spec: { replicas: 3, template: podTemplate() } },
    { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'web', namespace: 'shop', uid: 'sts-uid-web', ownerReferences: operatorOwner('web') }, spec: { replicas: 2, serviceName: 'web', template: podTemplate() } },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'report-1', namespace: 'batch', uid: 'job-uid-1', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'report', uid: 'cron-uid', controller: true }] },
      spec: { parallelism: 2, completions: 4, template: podTemplate() },
    },
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'report', namespace: 'batch', uid: 'cron-uid', ownerReferences: operatorOwner('report') }, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: podTemplate() } } } },
    { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'legacy', namespace: 'shop', uid: 'rc-uid', ownerReferences: operatorOwner('legacy') }, spec: { replicas: 0, template: podTemplate() } },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web', namespace: 'shop', annotations: { note: 'x' } },
      spec: { minAvailable: '50%', selector: { matchLabels: { app: 'web' } } },
      status: { disruptionsAllowed: 1, currentHealthy: 2, expectedPods: 2 },
    },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'api', namespace: 'shop' }, spec: { maxUnavailable: 1, selector: {} } },
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data-web-0', namespace: 'shop', annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } },
      spec: { volumeName: 'pv-1', storageClassName: '', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
      status: { phase: 'Bound', capacity: { storage: '10Gi' } },
    },
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'web-0-cache', namespace: 'shop' }, spec: {} },
    {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv-1', labels: { 'topology.kubernetes.io/zone': 'us-east-1a' } },
      spec: {
        capacity: { storage: '10Gi' },
        csi: { driver: 'ebs.csi.aws.com', volumeHandle: 'vol-1' },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'] }] }] } },
        claimRef: { kind: 'PersistentVolumeClaim', name: 'data-web-0', namespace: 'shop', uid: 'pvc-uid' },
      },
    },
    { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-2' }, spec: { claimRef: { name: 'orphan' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'shop' } }, spec: { finalizers: ['kubernetes'] } },
    { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'gp3' }, provisioner: 'ebs.csi.aws.com', volumeBindingMode: 'WaitForFirstConsumer' },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, data: { token: 'c2VjcmV0LWRhdGE=' }, stringData: { more: 'string-data-value' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', namespace: 'shop' }, data: { 'app.yaml': 'configmap-data-value' } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { ports: [{ port: 80 }] } },
  ];
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items };
}

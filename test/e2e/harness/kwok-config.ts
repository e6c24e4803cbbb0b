/**
 * The KWOK controller's configuration: the Stages that make it act as the kubelet of every node annotated
 * kwok.x-k8s.io/node=fake. Four stages, all "fast" (no artificial delays except the heartbeat):
 *
 * - node-initialize: a node without a Ready=True condition becomes Ready, gets an InternalIP and Hostname address, keeps
 *   the capacity/allocatable it was created with (a large default otherwise) and phase Running.
 * - node-heartbeat: every 10-15 s a Ready node's conditions are refreshed, so the node-lifecycle controller never sees a
 *   stale node (KWOK also renews the node's Lease, see --node-lease-duration-seconds in controlplane.ts).
 * - pod-ready: a bound, Pending, not terminating pod becomes Running with every container running and ready, an IP, and
 *   Initialized/ContainersReady/Ready conditions (init containers finish at once; sidecars keep running).
 * - pod-delete: a pod with a deletionTimestamp is deleted for good, as a kubelet does once its containers stopped. This
 *   is what makes evictions, drains and deletes complete.
 *
 * Templates are Go text/template rendered by KWOK over the object; the result is patched into the object's status.
 */

const nodeConditions = (transition: string): string => `
      conditions:
      - type: Ready
        status: "True"
        reason: KubeletReady
        message: "kwok is this node's kubelet"
        lastHeartbeatTime: {{ $now | Quote }}
        lastTransitionTime: ${transition}
${[
  ['MemoryPressure', 'KubeletHasSufficientMemory'],
  ['DiskPressure', 'KubeletHasNoDiskPressure'],
  ['PIDPressure', 'KubeletHasSufficientPID'],
  ['NetworkUnavailable', 'RouteCreated'],
]
  .map(
    ([type, reason]) => `      - type: ${type}
        status: "False"
        reason: ${reason}
        message: "kwok fakes ${type}=False"
        lastHeartbeatTime: {{ $now | Quote }}
        lastTransitionTime: ${transition}`,
  )
  .join('\n')}`;

const resources = (field: 'capacity' | 'allocatable'): string => `
      ${field}:
      {{ with .status.${field} }}
      {{ YAML . 1 }}
      {{ else }}
        cpu: "64"
        memory: 256Gi
        pods: "250"
      {{ end }}`;

const nodeInitialize = `apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: node-initialize
spec:
  resourceRef:
    apiGroup: v1
    kind: Node
  selector:
    matchExpressions:
    - key: '.status.conditions.[] | select( .type == "Ready" ) | .status'
      operator: NotIn
      values: ["True"]
  next:
    statusTemplate: |
      {{ $now := Now }}
${nodeConditions('{{ $now | Quote }}')}
      addresses:
      - type: InternalIP
        address: {{ NodeIP | Quote }}
      - type: Hostname
        address: {{ .metadata.name | Quote }}
${resources('capacity')}
${resources('allocatable')}
      nodeInfo:
        architecture: amd64
        operatingSystem: linux
        kubeletVersion: {{ printf "kwok-%s" Version | Quote }}
        kubeProxyVersion: {{ printf "kwok-%s" Version | Quote }}
        containerRuntimeVersion: {{ printf "kwok-%s" Version | Quote }}
        kernelVersion: {{ printf "kwok-%s" Version | Quote }}
        osImage: kwok
        bootID: ""
        machineID: ""
        systemUUID: ""
      phase: Running
`;

const nodeHeartbeat = `apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: node-heartbeat
spec:
  resourceRef:
    apiGroup: v1
    kind: Node
  selector:
    matchExpressions:
    - key: .status.phase
      operator: In
      values: [Running]
    - key: '.status.conditions.[] | select( .type == "Ready" ) | .status'
      operator: In
      values: ["True"]
  delay:
    durationMilliseconds: 10000
    jitterDurationMilliseconds: 15000
  next:
    statusTemplate: |
      {{ $now := Now }}
${nodeConditions('{{ or .metadata.creationTimestamp $now | Quote }}')}
  immediateNextStage: true
`;

const podReady = `apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-ready
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: .metadata.deletionTimestamp
      operator: DoesNotExist
    - key: .spec.nodeName
      operator: Exists
    - key: .status.phase
      operator: In
      values: [Pending]
    - key: '.status.conditions.[] | select( .type == "Ready" ) | .status'
      operator: NotIn
      values: ["True"]
  next:
    statusTemplate: |
      {{ $now := Now }}
      phase: Running
      startTime: {{ $now | Quote }}
      conditions:
      {{ range list "PodScheduled" "Initialized" "ContainersReady" "Ready" }}
      - type: {{ . }}
        status: "True"
        lastTransitionTime: {{ $now | Quote }}
      {{ end }}
      {{ range .spec.readinessGates }}
      - type: {{ .conditionType | Quote }}
        status: "True"
        lastTransitionTime: {{ $now | Quote }}
      {{ end }}
      containerStatuses:
      {{ range .spec.containers }}
      - name: {{ .name | Quote }}
        image: {{ .image | Quote }}
        imageID: ""
        ready: true
        started: true
        restartCount: 0
        state:
          running:
            startedAt: {{ $now | Quote }}
      {{ end }}
      {{ with .spec.initContainers }}
      initContainerStatuses:
      {{ range . }}
      - name: {{ .name | Quote }}
        image: {{ .image | Quote }}
        imageID: ""
        ready: true
        restartCount: 0
        {{ if eq (or .restartPolicy "") "Always" }}
        started: true
        state:
          running:
            startedAt: {{ $now | Quote }}
        {{ else }}
        state:
          terminated:
            exitCode: 0
            reason: Completed
            startedAt: {{ $now | Quote }}
            finishedAt: {{ $now | Quote }}
        {{ end }}
      {{ end }}
      {{ end }}
      {{ with NodeIPWith .spec.nodeName }}
      hostIP: {{ . | Quote }}
      hostIPs:
      - ip: {{ . | Quote }}
      {{ end }}
      {{ with PodIPWith .spec.nodeName (or .spec.hostNetwork false) (or .metadata.uid "") (or .metadata.name "") (or .metadata.namespace "") }}
      podIP: {{ . | Quote }}
      podIPs:
      - ip: {{ . | Quote }}
      {{ end }}
`;

const podDelete = `apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-delete
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: .metadata.deletionTimestamp
      operator: Exists
  next:
    delete: true
`;

/** The multi-document YAML passed to `kwok -c`. */
export function kwokConfigYaml(): string {
  return [nodeInitialize, nodeHeartbeat, podReady, podDelete].join('---\n');
}

import { load as parse } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseClusterObjects, parseClusterText } from '../../../../src/model/kube/index.js';
import type { Cluster, Pod } from '../../../../src/model/types.js';
import { fixture } from './helpers.js';

const GI = 1024 ** 3;
const MI = 1024 ** 2;
const KI = 1024;

const cluster: Cluster = parseClusterText(fixture('small-cluster.yaml'), 'small-cluster.yaml');

function podNamed(namespaceName: string): Pod {
  const found = cluster.pods.find((p) => `${p.namespace}/${p.name}` === namespaceName);
  if (found === undefined) throw new Error(`no pod ${namespaceName}`);
  return found;
}

describe('small-cluster.yaml: nodes', () => {
  it('reads nodes sorted by name with their facts', () => {
    expect(cluster.nodes.map((n) => n.name)).toEqual([
      'ip-10-0-1-10.ec2.internal',
      'ip-10-0-2-20.ec2.internal',
      'ip-10-0-3-30.ec2.internal',
    ]);
    const general = cluster.nodes[0];
    expect(general).toMatchObject({
      uid: '6f1d0c1e-0000-4000-8000-000000000001',
      instanceType: 'm5.large',
      zone: 'us-east-1a',
      instanceId: 'i-0aaa1111bbbb2222c',
      providerID: 'aws:///us-east-1a/i-0aaa1111bbbb2222c',
      unschedulable: false,
      ready: true,
      taints: [],
      capacity: { cpu: 2000, memory: 7934860 * KI, pods: 29, 'ephemeral-storage': 83873772 * KI },
      allocatable: { cpu: 1930, memory: 7244684 * KI, pods: 29, 'ephemeral-storage': 76224326324 },
    });
    expect(general?.labels['eks.amazonaws.com/nodegroup']).toBe('general');
  });

  it('falls back to the beta instance-type and zone labels', () => {
    const gpu = cluster.nodes[1];
    expect(gpu?.instanceType).toBe('g4dn.xlarge');
    expect(gpu?.zone).toBe('us-east-1b');
    expect(gpu?.allocatable['nvidia.com/gpu']).toBe(1);
    expect(gpu?.taints).toEqual([{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }]);
  });

  it('reads a cordoned node whose Ready condition is Unknown as unschedulable and not ready', () => {
    const cordoned = cluster.nodes[2];
    expect(cordoned?.unschedulable).toBe(true);
    expect(cordoned?.ready).toBe(false);
    expect(cordoned?.taints).toEqual([{ key: 'node.kubernetes.io/unschedulable', value: '', effect: 'NoSchedule' }]);
  });
});

describe('small-cluster.yaml: pods', () => {
  it('lists every pod sorted by namespace and name, and skips the Service', () => {
    expect(cluster.pods.map((p) => `${p.namespace}/${p.name}`)).toEqual([
      'default/debug-shell',
      'kube-system/kube-proxy-ip-10-0-1-10.ec2.internal',
      'monitoring/node-exporter-4kq9z',
      'monitoring/node-exporter-7tq2w',
      'shop/db-0',
      'shop/db-1',
      'shop/report-28391040-5xk2d',
      'shop/web-7d9f8b6c5d-q8v7m',
      'shop/web-7d9f8b6c5d-x2k4p',
    ]);
  });

  it('resolves a ReplicaSet pod to its Deployment', () => {
    const web = podNamed('shop/web-7d9f8b6c5d-x2k4p');
    expect(web.owner).toEqual({ kind: 'ReplicaSet', name: 'web-7d9f8b6c5d', uid: 'r0000000-0000-4000-8000-00000000000a' });
    expect(web.workload).toEqual({ kind: 'Deployment', name: 'web', uid: 'd0000000-0000-4000-8000-00000000000a' });
  });

  it('resolves a Job pod to its CronJob, and a StatefulSet pod to the StatefulSet', () => {
    expect(podNamed('shop/report-28391040-5xk2d').workload).toEqual({
      kind: 'CronJob',
      name: 'report',
      uid: 'cj000000-0000-4000-8000-00000000000d',
    });
    expect(podNamed('shop/report-28391040-5xk2d').owner?.kind).toBe('Job');
    expect(podNamed('shop/db-0').workload?.kind).toBe('StatefulSet');
    expect(podNamed('monitoring/node-exporter-4kq9z').workload?.kind).toBe('DaemonSet');
  });

  it('reads a stand-alone pod: default namespace, uid from namespace/name, no owner', () => {
    const debug = podNamed('default/debug-shell');
    expect(debug.uid).toBe('default/debug-shell');
    expect(debug.owner).toBeNull();
    expect(debug.workload).toBeNull();
    expect(debug.requests).toEqual({ pods: 1 });
    expect(debug.terminationGracePeriodSeconds).toBe(30);
    expect(debug.priority).toBe(0);
  });

  it('marks the static pod as a mirror', () => {
    const proxy = podNamed('kube-system/kube-proxy-ip-10-0-1-10.ec2.internal');
    expect(proxy.isMirror).toBe(true);
    expect(proxy.priority).toBe(2000001000);
    expect(podNamed('shop/db-0').isMirror).toBe(false);
  });

  it('reads the Pending pod: no node, not ready', () => {
    const pending = podNamed('shop/web-7d9f8b6c5d-q8v7m');
    expect(pending.phase).toBe('Pending');
    expect(pending.nodeName).toBeNull();
    expect(pending.ready).toBe(false);
    expect(podNamed('shop/db-1').ready).toBe(false);
    expect(podNamed('shop/db-0').ready).toBe(true);
  });

  it('computes the web pod request: a sidecar, then an init container heavier than the app', () => {
    // cpu: running = 250m app + 100m sidecar = 350m; init migrate = 1000m + 100m sidecar started before it = 1100m.
    // memory: running = 512Mi + 128Mi = 640Mi; init = 256Mi + 128Mi = 384Mi.
    expect(podNamed('shop/web-7d9f8b6c5d-x2k4p').requests).toEqual({ cpu: 1100, memory: 640 * MI, pods: 1 });
  });

  it('takes limits as requests where no request is set (GPU job)', () => {
    const report = podNamed('shop/report-28391040-5xk2d');
    expect(report.requests).toEqual({ cpu: 2000, memory: 4 * GI, 'nvidia.com/gpu': 1, pods: 1 });
    expect(report.nodeSelector).toEqual({ 'eks.amazonaws.com/nodegroup': 'gpu' });
    expect(report.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]);
  });

  it('reads scheduling constraints of the web pod', () => {
    const web = podNamed('shop/web-7d9f8b6c5d-x2k4p');
    expect(web.topologySpread).toEqual([
      {
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: { matchLabels: { app: 'web' }, matchExpressions: [] },
        minDomains: null,
        nodeAffinityPolicy: 'Honor',
        nodeTaintsPolicy: 'Ignore',
        matchLabelKeys: [],
      },
    ]);
    expect(web.podAntiAffinity).toEqual([
      {
        labelSelector: { matchLabels: {}, matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] },
        namespaces: [],
        namespaceSelector: null,
        topologyKey: 'kubernetes.io/hostname',
      },
    ]);
    expect(web.podAffinity).toEqual([]);
    expect(web.requiredNodeAffinity).toBeNull();
    expect(web.hostPorts).toEqual([]);
  });

  it('reads volumes, priority and grace period of the db pod', () => {
    const db = podNamed('shop/db-0');
    expect(db.volumes).toEqual([
      { name: 'data', kind: 'pvc', claimName: 'data-db-0' },
      { name: 'run', kind: 'emptyDir', medium: 'Memory' },
      { name: 'config', kind: 'other' },
    ]);
    expect(db.priority).toBe(1000);
    expect(db.terminationGracePeriodSeconds).toBe(120);
    expect(db.requests).toEqual({ cpu: 500, memory: GI, 'ephemeral-storage': 2 * GI, pods: 1 });
  });

  it('reads host ports of DaemonSet pods', () => {
    expect(podNamed('monitoring/node-exporter-4kq9z').hostPorts).toEqual([{ port: 9100, protocol: 'TCP', hostIP: '' }]);
  });
});

describe('small-cluster.yaml: other objects', () => {
  it('reads workloads sorted by namespace and name, with replicas and owners', () => {
    expect(cluster.workloads.map((w) => [w.kind, w.name, w.replicas, w.owner?.name ?? null])).toEqual([
      ['StatefulSet', 'db', 2, null],
      ['CronJob', 'report', null, null],
      ['Job', 'report-28391040', 1, 'report'],
      ['Deployment', 'web', 3, null],
      ['ReplicaSet', 'web-7d9f8b6c5d', 3, 'web'],
    ]);
  });

  it('reads the DaemonSet template through the pod code path', () => {
    expect(cluster.daemonSets).toHaveLength(1);
    const ds = cluster.daemonSets[0];
    expect(ds?.template.labels).toEqual({ app: 'node-exporter' });
    expect(ds?.template.requests).toEqual({ cpu: 50, memory: 64 * MI, pods: 1 });
    expect(ds?.template.tolerations).toEqual([{ key: '', operator: 'Exists', value: '', effect: '' }]);
    expect(ds?.template.hostPorts).toEqual([{ port: 9100, protocol: 'TCP', hostIP: '' }]);
  });

  it('reads PDBs with int and percent budgets', () => {
    expect(cluster.pdbs).toEqual([
      {
        namespace: 'shop',
        name: 'db',
        selector: { matchLabels: { app: 'db' }, matchExpressions: [] },
        minAvailable: null,
        maxUnavailable: { kind: 'percent', value: 50 },
        disruptionsAllowed: null,
      },
      {
        namespace: 'shop',
        name: 'web',
        selector: { matchLabels: { app: 'web' }, matchExpressions: [] },
        minAvailable: { kind: 'int', value: 2 },
        maxUnavailable: null,
        disruptionsAllowed: 0,
      },
    ]);
  });

  it('reads claims, zonal volumes and the storage class', () => {
    expect(cluster.pvcs).toEqual([
      { namespace: 'shop', name: 'data-db-0', volumeName: 'pvc-0a1b2c3d', storageClassName: 'gp3', phase: 'Bound' },
      { namespace: 'shop', name: 'data-db-1', volumeName: 'pvc-4e5f6a7b', storageClassName: 'gp3', phase: 'Bound' },
    ]);
    expect(cluster.pvs).toEqual([
      {
        name: 'pvc-0a1b2c3d',
        nodeAffinity: [
          { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'] }], matchFields: [] },
        ],
        labels: {},
        claimRef: { namespace: 'shop', name: 'data-db-0' },
      },
      {
        name: 'pvc-4e5f6a7b',
        nodeAffinity: null,
        labels: {
          'failure-domain.beta.kubernetes.io/zone': 'us-east-1c',
          'failure-domain.beta.kubernetes.io/region': 'us-east-1',
        },
        claimRef: { namespace: 'shop', name: 'data-db-1' },
      },
    ]);
    expect(cluster.storageClasses).toEqual([{ name: 'gp3', volumeBindingMode: 'WaitForFirstConsumer' }]);
    expect(cluster.namespaces).toEqual([{ name: 'shop', labels: { team: 'commerce' } }]);
  });
});

describe('the same cluster in every input form', () => {
  it('gives the same Cluster from JSON, from a multi-document stream with nested Lists, and from decoded objects', () => {
    expect(parseClusterText(fixture('small-cluster.json'), 'small-cluster.json')).toEqual(cluster);
    expect(parseClusterText(fixture('small-cluster-stream.yaml'), 'small-cluster-stream.yaml')).toEqual(cluster);
    expect(parseClusterObjects([parse(fixture('small-cluster.yaml'))], 'live')).toEqual(cluster);
  });

  it('does not depend on the order of the input (pods before their ReplicaSets)', () => {
    const decoded = parse(fixture('small-cluster.yaml')) as { items: unknown[] };
    const reversed = { ...decoded, items: [...decoded.items].reverse() };
    expect(parseClusterObjects([reversed], 'reversed')).toEqual(cluster);
  });

  it('reads items of a typed list (PodList from the API) that carry no kind', () => {
    const podList = {
      apiVersion: 'v1',
      kind: 'PodList',
      items: [{ metadata: { name: 'a', namespace: 'x' }, spec: { containers: [] } }],
    };
    const parsed = parseClusterObjects([podList], 'live');
    expect(parsed.pods.map((p) => `${p.namespace}/${p.name}`)).toEqual(['x/a']);
  });

  it('reads a single object and an empty List', () => {
    const single = parseClusterText('apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n', 'node.yaml');
    expect(single.nodes.map((n) => n.name)).toEqual(['n1']);
    expect(single.nodes[0]?.ready).toBe(true);
    const empty = parseClusterText('apiVersion: v1\nkind: List\nitems: []\n', 'empty.yaml');
    expect(empty.pods).toEqual([]);
    expect(empty.nodes).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { parseClusterObjects, parseClusterText } from '../../../../src/model/kube/index.js';
import { container, inputErrorOf, list, pod } from './helpers.js';
import type { Json } from './helpers.js';

function fromObjects(...items: unknown[]): () => unknown {
  return () => parseClusterObjects([list(...items)], 'cluster.yaml');
}

const shopPod = (spec: Json, status: Json = {}): Json => pod('web-7d9f-abc', spec, { namespace: 'shop' }, status);

describe('bad quantities', () => {
  it('names the container and resource of a malformed memory request', () => {
    const error = inputErrorOf(
      fromObjects(shopPod({ containers: [container('app', { cpu: '1' }), container('side', { memory: '12Gb' })] })),
    );
    expect(error.file).toBe('cluster.yaml');
    expect(error.object).toBe('Pod shop/web-7d9f-abc');
    expect(error.field).toBe('spec.containers[1].resources.requests.memory');
    expect(error.problem).toBe('expected a Kubernetes quantity like 500m, 2, 1.5Gi; found "12Gb"');
    expect(error.message).toBe(
      'cluster.yaml: Pod shop/web-7d9f-abc: spec.containers[1].resources.requests.memory: expected a Kubernetes quantity like 500m, 2, 1.5Gi; found "12Gb"',
    );
  });

  it('refuses a negative cpu request in an init container', () => {
    const error = inputErrorOf(fromObjects(shopPod({ initContainers: [container('init', { cpu: '-100m' })] })));
    expect([error.object, error.field]).toEqual(['Pod shop/web-7d9f-abc', 'spec.initContainers[0].resources.requests.cpu']);
    expect(error.problem).toMatch(/non-negative/);
  });

  it('quotes extended resource names in the field path', () => {
    const error = inputErrorOf(fromObjects(shopPod({ containers: [container('app', {}, { 'nvidia.com/gpu': 'one' })] })));
    expect(error.field).toBe('spec.containers[0].resources.limits["nvidia.com/gpu"]');
  });

  it('refuses a quantity that is not a string or number, and one that is too large', () => {
    expect(inputErrorOf(fromObjects(shopPod({ overhead: { cpu: true } }))).field).toBe('spec.overhead.cpu');
    const huge = inputErrorOf(fromObjects(shopPod({ containers: [container('app', { memory: '12345678901234567890' })] })));
    expect(huge.problem).toMatch(/at most 9007199254740991/);
  });

  it('names the node and status field of a bad capacity', () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { capacity: { memory: '8 GiB' } } };
    const error = inputErrorOf(fromObjects(node));
    expect([error.file, error.object, error.field]).toEqual(['cluster.yaml', 'Node n1', 'status.capacity.memory']);
  });

  it('names the DaemonSet template path', () => {
    const ds = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'ops' },
      spec: { template: { spec: { containers: [container('a', { cpu: 'lots' })] } } },
    };
    const error = inputErrorOf(fromObjects(ds));
    expect([error.object, error.field]).toEqual(['DaemonSet ops/agent', 'spec.template.spec.containers[0].resources.requests.cpu']);
  });
});

describe('bad scheduling fields', () => {
  it.each([
    [{ tolerations: [{ key: 'a', operator: 'Equals' }] }, 'spec.tolerations[0].operator', /expected one of Exists, Equal; found the string "Equals"/],
    [{ tolerations: [{ key: 'a', effect: 'NoExec' }] }, 'spec.tolerations[0].effect', /NoSchedule, PreferNoSchedule, NoExecute/],
    [{ tolerations: [{ value: 'x' }] }, 'spec.tolerations[0].operator', /Exists when the key is empty/],
    [
      { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'a', operator: 'Matches' }] }] } } } },
      'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator',
      /In, NotIn, Exists, DoesNotExist, Gt, Lt/,
    ],
    [
      { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.labels', operator: 'In', values: ['x'] }] }] } } } },
      'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].key',
      /metadata.name/,
    ],
    [
      { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, topologyKey: 'k' }] } } },
      'spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchExpressions[0].operator',
      /In, NotIn, Exists, DoesNotExist; found the string "Gt"/,
    ],
    [
      { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: {} }] } } },
      'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey',
      /non-empty string; found nothing/,
    ],
    [
      { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'Maybe' }] },
      'spec.topologySpreadConstraints[0].whenUnsatisfiable',
      /DoNotSchedule, ScheduleAnyway/,
    ],
    [{ topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }] }, 'spec.topologySpreadConstraints[0].maxSkew', /positive integer/],
    [{ containers: [container('a', {}, {}, { ports: [{ containerPort: 1, hostPort: 70000 }] })] }, 'spec.containers[0].ports[0].hostPort', /between 1 and 65535/],
    [{ containers: [container('a', {}, {}, { ports: [{ containerPort: 1, hostPort: 80, protocol: 'HTTP' }] })] }, 'spec.containers[0].ports[0].protocol', /TCP, UDP, SCTP/],
    [{ nodeSelector: { 'kubernetes.io/arch': 64 } }, 'spec.nodeSelector["kubernetes.io/arch"]', /expected a string value; found number 64/],
    [{ priority: '1000' }, 'spec.priority', /expected an integer; found the string "1000"/],
    [{ terminationGracePeriodSeconds: -1 }, 'spec.terminationGracePeriodSeconds', /non-negative integer/],
    [{ containers: { app: {} } }, 'spec.containers', /expected a list; found an object/],
    [{ containers: ['app'] }, 'spec.containers[0]', /expected an object; found the string "app"/],
    [{ volumes: [{ name: 'v', persistentVolumeClaim: {} }] }, 'spec.volumes[0].persistentVolumeClaim.claimName', /non-empty string/],
  ])('%j -> %s', (spec, field, problem) => {
    const error = inputErrorOf(fromObjects(shopPod(spec)));
    expect(error.file).toBe('cluster.yaml');
    expect(error.object).toBe('Pod shop/web-7d9f-abc');
    expect(error.field).toBe(field);
    expect(error.problem).toMatch(problem);
  });

  it('refuses an unknown pod phase', () => {
    const error = inputErrorOf(fromObjects(shopPod({}, { phase: 'Done' })));
    expect(error.field).toBe('status.phase');
  });

  it('refuses a bad node taint effect and a label that is not a string', () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { taints: [{ key: 'a', effect: 'NoScheduling' }] } };
    expect(inputErrorOf(fromObjects(node)).field).toBe('spec.taints[0].effect');
    const labelled = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n2', labels: { version: 2 } } };
    const error = inputErrorOf(fromObjects(labelled));
    expect([error.object, error.field]).toEqual(['Node n2', 'metadata.labels.version']);
  });
});

describe('bad controllers and storage objects', () => {
  const pdb = (spec: Json): Json => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'shop' }, spec });

  it.each([
    [{ minAvailable: '150%' }, 'spec.minAvailable', /between 0% and 100%/],
    [{ maxUnavailable: 'half' }, 'spec.maxUnavailable', /integer or a percentage like "50%"; found the string "half"/],
    [{ minAvailable: -1 }, 'spec.minAvailable', /non-negative integer/],
    [{ minAvailable: 1, maxUnavailable: 1 }, 'spec', /at most one of minAvailable and maxUnavailable/],
    [{ selector: { matchLabels: 'app=web' } }, 'spec.selector.matchLabels', /expected an object/],
  ])('PDB %j -> %s', (spec, field, problem) => {
    const error = inputErrorOf(fromObjects(pdb(spec)));
    expect([error.object, error.field]).toEqual(['PodDisruptionBudget shop/web', field]);
    expect(error.problem).toMatch(problem);
  });

  it('refuses a bad replica count and a bad volume binding mode', () => {
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 1.5 } };
    expect(inputErrorOf(fromObjects(deployment)).field).toBe('spec.replicas');
    const sc = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'gp3' }, volumeBindingMode: 'Lazy' };
    const error = inputErrorOf(fromObjects(sc));
    expect([error.object, error.field]).toEqual(['StorageClass gp3', 'volumeBindingMode']);
  });
});

describe('bad items and files', () => {
  it('names an item that is not an object', () => {
    const error = inputErrorOf(fromObjects(pod('a', {}), 'oops'));
    expect([error.file, error.object, error.field]).toEqual(['cluster.yaml', 'items[1]', '']);
    expect(error.problem).toBe('expected a Kubernetes object; found the string "oops"');
  });

  it('names an item without kind, apiVersion or metadata.name', () => {
    const noKind = inputErrorOf(fromObjects({ apiVersion: 'v1', metadata: { name: 'a' } }));
    expect([noKind.object, noKind.field]).toEqual(['items[0]', 'kind']);
    const noVersion = inputErrorOf(fromObjects(pod('a', {}), { kind: 'Pod', metadata: { name: 'b' } }));
    expect([noVersion.object, noVersion.field]).toEqual(['Pod at items[1]', 'apiVersion']);
    const noName = inputErrorOf(fromObjects({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }));
    expect([noName.object, noName.field]).toEqual(['ConfigMap at items[0]', 'metadata.name']);
    const noMetadata = inputErrorOf(fromObjects({ apiVersion: 'v1', kind: 'Node' }));
    expect([noMetadata.object, noMetadata.field]).toEqual(['Node at items[0]', 'metadata']);
  });

  it('refuses the same object twice, but allows the same name in another namespace or kind', () => {
    const error = inputErrorOf(fromObjects(pod('a', {}), pod('b', {}), pod('a', {}, { namespace: 'default' })));
    expect([error.file, error.object, error.field]).toEqual(['cluster.yaml', 'Pod default/a', '']);
    expect(error.problem).toBe('expected each object once; found it twice (at items[0] and at items[2])');
    const fine = parseClusterObjects(
      [list(pod('a', {}), pod('a', {}, { namespace: 'other' }), { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'a' } })],
      'cluster.yaml',
    );
    expect(fine.pods).toHaveLength(2);
  });

  it('refuses a file that holds no Kubernetes objects', () => {
    const launchSpecs = inputErrorOf(() => parseClusterText('[{"name": "gpu", "labels": [{"key": "a", "value": "b"}]}]', 'vngs.json'));
    expect([launchSpecs.file, launchSpecs.object, launchSpecs.field]).toEqual(['vngs.json', '', '']);
    expect(launchSpecs.problem).toMatch(/^expected a v1 List or Kubernetes objects .*; found a list whose first element is an object with keys name, labels$/);
    const wrapped = inputErrorOf(() => parseClusterText('launchSpecs: []\n', 'vngs.yaml'));
    expect(wrapped.problem).toMatch(/found an object with keys launchSpecs$/);
    const scalar = inputErrorOf(() => parseClusterText('42\n', 'cluster.yaml'));
    expect(scalar.problem).toMatch(/found number 42$/);
    const empty = inputErrorOf(() => parseClusterText('\n# nothing\n', 'cluster.yaml'));
    expect(empty.problem).toMatch(/found an empty document/);
  });

  it('names the document of a bad value in a multi-document stream', () => {
    const text = 'apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n---\nhello\n';
    const error = inputErrorOf(() => parseClusterText(text, 'stream.yaml'));
    expect([error.file, error.object]).toEqual(['stream.yaml', 'document 2']);
    const nested = 'apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n---\napiVersion: v1\nkind: List\nitems:\n  - kind: Pod\n    apiVersion: v1\n    metadata: {}\n';
    const nestedError = inputErrorOf(() => parseClusterText(nested, 'stream.yaml'));
    expect([nestedError.object, nestedError.field]).toEqual(['Pod at document 2, items[0]', 'metadata.name']);
  });

  it('reports YAML syntax errors with their line', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n  - kind: Pod\n    metadata: {name: a\n';
    const error = inputErrorOf(() => parseClusterText(text, 'broken.yaml'));
    expect([error.file, error.object, error.field]).toEqual(['broken.yaml', '', '']);
    expect(error.problem).toMatch(/^expected YAML or JSON; found a syntax error at line \d+, column \d+: /);
    const json = inputErrorOf(() => parseClusterText('{"apiVersion": "v1",\n "kind": "List",\n "items": [}', 'broken.json'));
    expect(json.problem).toMatch(/syntax error at line 3/);
  });

  it('refuses a List whose items is not a list', () => {
    const error = inputErrorOf(() => parseClusterObjects([{ apiVersion: 'v1', kind: 'List', items: { a: 1 } }], 'cluster.yaml'));
    expect([error.object, error.field]).toEqual(['List', 'items']);
  });
});

/**
 * The cluster builder's duplicate check (src/model/kube/cluster.ts): an object is the same object only for the same kind,
 * namespace and name, wherever the repeat comes in the input.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/model/errors.js';
import { ClusterBuilder } from '../../../../src/model/kube/cluster.js';
import { container, pod } from './helpers.js';
import type { Json } from './helpers.js';

function podIn(namespace: string, name: string): Json {
  return pod(name, { containers: [container('c', { cpu: '100m' })] }, { namespace });
}

function deployment(namespace: string, name: string): Json {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace }, spec: { replicas: 1 } };
}

function replicaSet(namespace: string, name: string): Json {
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace }, spec: { replicas: 1 } };
}

function build(objects: readonly Json[]): ReturnType<ClusterBuilder['finish']> {
  const builder = new ClusterBuilder('in.json');
  objects.forEach((value, i) => builder.add({ value, where: `objects[${i}]` }));
  return builder.finish();
}

describe('ClusterBuilder duplicate check', () => {
  it('takes one name in several namespaces and kinds, the default namespace and an explicit "default" being one', () => {
    const cluster = build([podIn('a', 'web'), podIn('b', 'web'), deployment('a', 'web'), replicaSet('a', 'web'), podIn('c', 'web')]);
    expect(cluster.pods.map((p) => `${p.namespace}/${p.name}`)).toEqual(['a/web', 'b/web', 'c/web']);
    expect(cluster.workloads.map((w) => `${w.kind} ${w.namespace}/${w.name}`)).toEqual(['Deployment a/web', 'ReplicaSet a/web']);
    const implicit = pod('x', { containers: [container('c')] });
    expect(() => build([implicit, podIn('default', 'x')])).toThrow(InputError);
  });

  it('refuses a repeat that comes right after the object and one that comes after objects of other kinds and namespaces', () => {
    expect(() => build([podIn('a', 'web'), podIn('a', 'web')])).toThrow(/Pod a\/web: expected each object once; found it twice/);
    expect(() => build([podIn('a', 'web'), podIn('b', 'api'), deployment('a', 'web'), podIn('a', 'web')])).toThrow(
      /Pod a\/web: expected each object once; found it twice/,
    );
    expect(() => build([deployment('a', 'web'), podIn('a', 'web'), deployment('a', 'web')])).toThrow(
      /Deployment a\/web: expected each object once/,
    );
  });
});

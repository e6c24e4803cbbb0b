/**
 * The large-file path (src/model/kube/large-list.ts): items parsed one by one as they are decoded give the Cluster the
 * path that holds every item gives, in every layout writers use, and a bad input gets the error that path names first.
 */
import { describe, expect, it } from 'vitest';
import { clusterList, clusterListJson, generateClusterObjects } from '../../../../src/gen/cluster.js';
import { Prng } from '../../../../src/gen/prng.js';
import { InputError } from '../../../../src/model/errors.js';
import { parseClusterObjects } from '../../../../src/model/kube/index.js';
import { splitJsonListItems } from '../../../../src/model/kube/json-list-split.js';
import { parseLargeJsonList } from '../../../../src/model/kube/large-list.js';
import { container, pod } from './helpers.js';
import type { Json } from './helpers.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** What the path holding every item gives: the Cluster, or the error's message. */
function reference(bytes: Uint8Array): unknown {
  try {
    const items = splitJsonListItems(bytes, 'big.json');
    return items === null ? null : parseClusterObjects(items, 'big.json');
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
}

function streamed(bytes: Uint8Array): unknown {
  try {
    return parseLargeJsonList(bytes, 'big.json');
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
}

/** One item per line, as the benchmark writes it. */
function perLine(items: readonly unknown[]): string {
  return `{"apiVersion":"v1","kind":"List","items":[\n${items.map((i) => JSON.stringify(i)).join(',\n')}\n]}\n`;
}

const objects = generateClusterObjects({ nodes: 12, pods: 300, pendingPods: 4, blockingPdbs: 1 }, new Prng(11));

describe('a large List parsed as it is decoded', () => {
  it('gives the Cluster of the path that holds every item, whatever the layout', () => {
    const layouts = [
      clusterListJson(objects),
      perLine(objects),
      perLine(objects).replace(/\n/g, '\r\n'),
      JSON.stringify(clusterList(objects)),
      JSON.stringify(clusterList(objects), null, '\t'),
      JSON.stringify(objects, null, 2),
    ];
    const expected = reference(enc(layouts[0] as string));
    expect(expected).toMatchObject({ pods: expect.any(Array) });
    for (const text of layouts) expect(streamed(enc(text))).toEqual(expected);
  });

  it('finds items whose layout misleads a guess: two on one line, braces and newlines inside strings', () => {
    const a = pod('a', { containers: [container('app', { cpu: '1' })] }, { annotations: { note: '}\n{ "x": 1 }\n    }' } });
    const b = pod('b', { containers: [container('app', { cpu: '2' })] });
    const c = pod('c', { containers: [container('app', { cpu: '3' })] }, { annotations: { note: '},' } });
    const text = `{"kind":"List","items":[\n${JSON.stringify(a)}, ${JSON.stringify(b)},\n    ${JSON.stringify(c, null, 4)}\n]}`;
    const got = streamed(enc(text)) as { pods: { name: string }[] };
    expect(got).toEqual(reference(enc(text)));
    expect(got.pods.map((p) => p.name)).toEqual(['a', 'b', 'c']);
  });

  it('is null for what is not a List', () => {
    expect(streamed(enc('kind: List\nitems: []\n'))).toBeNull();
    expect(streamed(enc('{"kind": "Pod", "metadata": {"name": "p"}}'))).toBeNull();
  });

  it('names the first problem as the path that holds every item does', () => {
    const good = (name: string): Json => pod(name, { containers: [container('app', { cpu: '1' })] });
    const badPod = pod('bad', { containers: [container('app', { cpu: 'lots' })] });
    const badDeployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 'two' } };
    const cases: string[] = [
      // a pod's field, then a Deployment's: the Deployment's is named (pods are parsed last)
      perLine([good('a'), badPod, badDeployment]),
      // a duplicate after a bad field: the duplicate is named
      perLine([badPod, good('a'), good('a')]),
      // a bad field, then an item that is no Kubernetes object
      perLine([badPod, { apiVersion: 'v1', kind: 'Pod' }]),
      // structure problems, then bad JSON: the JSON is named
      `${perLine([{ kind: 'Pod' }, good('a')]).slice(0, -4)},\n{"kind": nope}\n]}`,
      // a single item: errors say where without an index
      perLine([badPod]),
    ];
    for (const text of cases) {
      const expected = reference(enc(text));
      expect(typeof expected).toBe('string');
      expect(streamed(enc(text))).toBe(expected);
    }
  });
});

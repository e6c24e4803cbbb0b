/**
 * Snapshots whose pods share their fields (vngshift.io/v2): the layout written, the same Cluster as every pod whole
 * (vngshift.io/v1) line by line, reformatted and through readSnapshot, the cases that must not share, files edited by hand,
 * and the errors a bad reference gives.
 */
import { describe, expect, it } from 'vitest';
import { inputErrorOf } from '../kube/helpers.js';
import { generateClusterObjects } from '../../../../src/gen/cluster.js';
import { Prng } from '../../../../src/gen/prng.js';
import { clusterFromValues } from '../../../../src/model/kube/cluster.js';
import { parseClusterSnapshot, readSnapshot, snapshotValues, writeSnapshot } from '../../../../src/model/snapshot/format.js';
import type { Cluster } from '../../../../src/model/types.js';
import { kubeList } from '../../../helpers/kube-objects.js';

type Obj = Record<string, unknown>;

function kept(list: unknown): Obj[] {
  return snapshotValues([{ value: list, where: '' }], 'dump').map((v) => v.value as Obj);
}

function text(objects: readonly Obj[], sharePods = true): string {
  let out = '';
  writeSnapshot(objects, { source: 'test' }, (c) => (out += c), { sharePods, chunkLines: 5 });
  return out;
}

const bytes = (t: string): Buffer => Buffer.from(t);
const lineObjects = (t: string): Obj[] =>
  t
    .split('\n')
    .slice(1)
    .filter((l) => l !== '' && l !== ']}')
    .map((l) => JSON.parse(l.endsWith(',') ? l.slice(0, -1) : l) as Obj);

const generated = kept(kubeList(generateClusterObjects({ nodes: 12, pods: 300, pendingPods: 4, blockingPdbs: 1 }, new Prng(7))));
const shared = text(generated);
const whole = text(generated, false);

/** A pod of the given namespace and name, with one container and `extra` spec fields. */
function pod(namespace: string, name: string, node: string, extra: Obj = {}, labels: Obj = { app: 'web' }): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, uid: `uid-${namespace}-${name}`, labels, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-1', uid: 'rs-1', controller: true }] },
    spec: { nodeName: node, containers: [{ resources: { requests: { cpu: '100m', memory: '128Mi' } } }], ...extra },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

const node = (name: string): Obj => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  status: { allocatable: { cpu: '4', memory: '16Gi', pods: '58' }, conditions: [{ type: 'Ready', status: 'True' }] },
});

describe('writing', () => {
  it('writes each set of shared fields once, before its first pod, and the pods that share them as short lines', () => {
    const lines = lineObjects(shared);
    const header = JSON.parse(`${shared.split('\n')[0] ?? ''}]}`) as { apiVersion: string; counts: Record<string, number> };
    expect(header.apiVersion).toBe('vngshift.io/v2');
    const defined = new Set<number>();
    let short = 0;
    let wholePods = 0;
    /** The shared fields of DaemonSet pods: theirs carry their own affinity (it pins their node). */
    const daemonShared = new Set<number>();
    let pinned = 0;
    for (const o of lines) {
      if (o['kind'] === 'SharedPodFields') {
        expect(o['apiVersion']).toBe('vngshift.io/v2');
        defined.add(o['shared'] as number);
        if (JSON.stringify(o['metadata']).includes('"kind":"DaemonSet"')) daemonShared.add(o['shared'] as number);
      } else if (o['kind'] === 'Pod' && o['shared'] !== undefined) {
        expect(defined.has(o['shared'] as number)).toBe(true);
        expect(Object.keys(o).sort()).toEqual(['apiVersion', 'kind', 'metadata', 'shared', 'spec']);
        expect(Object.keys(o['metadata'] as Obj).sort()).toEqual(['name', 'namespace', 'uid']);
        const spec = o['spec'] as Obj;
        if (daemonShared.has(o['shared'] as number)) {
          expect(Object.keys(spec)).toEqual(['nodeName', 'affinity']);
          expect(JSON.stringify(spec['affinity'])).toContain(`"values":["${String(spec['nodeName'])}"]`);
          pinned += 1;
        } else expect(Object.keys(spec)).toEqual(['nodeName']);
        short += 1;
      } else if (o['kind'] === 'Pod') wholePods += 1;
    }
    expect(pinned).toBeGreaterThan(12);
    expect(header.counts['SharedPodFields']).toBe(defined.size);
    expect(defined.size).toBeGreaterThan(5);
    expect(short).toBeGreaterThan(wholePods);
    expect(header.counts['Pod']).toBe(short + wholePods);
    expect(shared.length).toBeLessThan(whole.length * 0.8);
  });

  it('every pod whole on request, under vngshift.io/v1', () => {
    expect(whole.startsWith('{"apiVersion":"vngshift.io/v1"')).toBe(true);
    expect(whole).not.toContain('SharedPodFields');
    expect(lineObjects(whole).filter((o) => o['kind'] === 'Pod')).toHaveLength(lineObjects(shared).filter((o) => o['kind'] === 'Pod').length);
  });

  it('shares only within a namespace, and never a pod with a generic ephemeral volume', () => {
    const ephemeral = { volumes: [{ name: 'scratch', ephemeral: {} }] };
    const objects = [node('n1'), pod('a', 'p1', 'n1'), pod('a', 'p2', 'n1'), pod('b', 'p1', 'n1'), pod('b', 'p2', 'n1'), pod('c', 'e1', 'n1', ephemeral), pod('c', 'e2', 'n1', ephemeral)];
    const lines = lineObjects(text(objects));
    expect(lines.filter((o) => o['kind'] === 'SharedPodFields')).toHaveLength(2);
    const ns = (o: Obj): unknown => (o['metadata'] as Obj)['namespace'];
    const refs = new Map(lines.filter((o) => o['kind'] === 'Pod' && o['shared'] !== undefined).map((o) => [`${String(ns(o))}/${String((o['metadata'] as Obj)['name'])}`, o['shared']]));
    expect(refs.get('a/p1')).toBe(refs.get('a/p2'));
    expect(refs.get('a/p1')).not.toBe(refs.get('b/p1'));
    expect(refs.has('c/e1')).toBe(false);
    const cluster = parseClusterSnapshot(bytes(text(objects)), 's.json');
    expect(cluster.pods.find((p) => p.name === 'e2')?.volumes).toEqual([{ name: 'scratch', kind: 'pvc', claimName: 'e2-scratch' }]);
  });
});

describe('reading', () => {
  const expected: Cluster = parseClusterSnapshot(bytes(whole), 's.json');

  it('gives the Cluster of every pod whole, line by line, reformatted, and from the objects readSnapshot gives', () => {
    expect(parseClusterSnapshot(bytes(shared), 's.json')).toEqual(expected);
    expect(expected).toEqual(clusterFromValues([{ value: { apiVersion: 'v1', kind: 'List', items: generated }, where: '' }], 's.json'));
    expect(parseClusterSnapshot(bytes(JSON.stringify(JSON.parse(shared), null, 1)), 's.json')).toEqual(expected);
    const objects = readSnapshot(bytes(shared), 's.json').objects;
    expect(objects.some((o) => (o.value as Obj)['kind'] === 'SharedPodFields' || (o.value as Obj)['shared'] !== undefined)).toBe(false);
    expect(objects).toHaveLength(generated.length);
    expect(clusterFromValues(objects, 's.json')).toEqual(expected);
  });

  it('takes what a pod line adds by hand, for that pod only', () => {
    const objects = [node('n1'), pod('a', 'p1', 'n1'), pod('a', 'p2', 'n1'), pod('a', 'p3', 'n1'), pod('a', 'p4', 'n1')];
    const lines = text(objects).split('\n');
    const at = (name: string): number => lines.findIndex((l) => l.includes(`"name":"${name}"`) && l.includes('"shared"'));
    // The first pod of the set gets a label of its own, the second an escaped uid and no node, the fourth another namespace.
    lines[at('p1')] = (lines[at('p1')] ?? '').replace('"namespace":"a"', '"namespace":"a","labels":{"app":"web","extra":"yes"}');
    lines[at('p2')] = (lines[at('p2')] ?? '').replace(/"uid":"[^"]*"/, '"uid":"u\\u0041"').replace(',"spec":{"nodeName":"n1"}', '');
    lines[at('p4')] = (lines[at('p4')] ?? '').replace('"namespace":"a"', '"namespace":"b"');
    const cluster = parseClusterSnapshot(bytes(lines.join('\n')), 's.json');
    const byName = new Map(cluster.pods.map((p) => [p.name, p]));
    expect(byName.get('p1')?.labels).toEqual({ app: 'web', extra: 'yes' });
    expect(byName.get('p2')?.labels).toEqual({ app: 'web' });
    expect(byName.get('p2')?.uid).toBe('uA');
    expect(byName.get('p2')?.nodeName).toBeNull();
    expect(byName.get('p3')?.labels).toEqual({ app: 'web' });
    expect(byName.get('p3')?.uid).toBe('uid-a-p3');
    expect(byName.get('p3')?.nodeName).toBe('n1');
    expect(byName.get('p4')?.namespace).toBe('b');
    expect(byName.get('p4')?.labels).toEqual({ app: 'web' });
  });

  it("a pod line's own status wins over the shared one, for that pod only; pods without a uid get the stand-in", () => {
    const noUid = (o: Obj): Obj => ({ ...o, metadata: { ...(o['metadata'] as Obj), uid: undefined } });
    const objects = [node('n1'), noUid(pod('a', 'p1', 'n1')), noUid(pod('a', 'p2', 'n1')), noUid(pod('a', 'p3', 'n1'))];
    const t = text(JSON.parse(JSON.stringify(objects)) as Obj[]).replace('"name":"p2","namespace":"a"}', '"name":"p2","namespace":"a"},"status":{"phase":"Failed"}');
    expect(t).toContain('"status":{"phase":"Failed"}');
    const byName = new Map(parseClusterSnapshot(bytes(t), 's.json').pods.map((p) => [p.name, p]));
    expect([...byName.values()].map((p) => [p.name, p.phase, p.ready, p.uid])).toEqual([
      ['p1', 'Running', true, 'a/p1'],
      ['p2', 'Failed', true, 'a/p2'],
      ['p3', 'Running', true, 'a/p3'],
    ]);
  });

  it("pods that differ in their volumes' names (a live cluster's service account tokens) share the rest, each with its volumes", () => {
    const token = (o: Obj, i: number): Obj => ({ ...o, spec: { ...(o['spec'] as Obj), volumes: [{ name: 'creds' }, { name: `kube-api-access-${i}x` }] } });
    const objects = [node('n1'), token(pod('a', 'p1', 'n1'), 1), token(pod('a', 'p2', 'n1'), 2), token(pod('a', 'p3', 'n1'), 3), token(pod('a', 'p4', 'n1'), 4)];
    const t = text(objects);
    expect(lineObjects(t).filter((o) => o['kind'] === 'SharedPodFields')).toHaveLength(1);
    expect(t).toContain('"spec":{"nodeName":"n1","volumes":[{"name":"creds"},{"name":"kube-api-access-3x"}]}');
    const expected = parseClusterSnapshot(bytes(text(objects, false)), 's.json');
    expect(parseClusterSnapshot(bytes(t), 's.json')).toEqual(expected);
    expect(expected.pods[2]?.volumes).toEqual([
      { name: 'creds', kind: 'other' },
      { name: 'kube-api-access-3x', kind: 'other' },
    ]);
    // A pod line without the volumes its set's first pod had, or with a volume of another kind, is read whole.
    const edited = t
      .replace(',"volumes":[{"name":"creds"},{"name":"kube-api-access-2x"}]', '')
      .replace('{"name":"kube-api-access-3x"}', '{"name":"scratch","emptyDir":{}}');
    const byName = new Map(parseClusterSnapshot(bytes(edited), 's.json').pods.map((p) => [p.name, p.volumes]));
    expect(byName.get('p2')).toEqual([]);
    expect(byName.get('p3')).toEqual([
      { name: 'creds', kind: 'other' },
      { name: 'scratch', kind: 'emptyDir', medium: '' },
    ]);
    expect(byName.get('p4')).toEqual([
      { name: 'creds', kind: 'other' },
      { name: 'kube-api-access-4x', kind: 'other' },
    ]);
  });

  it('a hand-made set of shared fields with an ephemeral volume gives each pod its own claim', () => {
    const objects = [node('n1'), pod('a', 'p1', 'n1'), pod('a', 'p2', 'n1')];
    const t = text(objects).replace('"containers":', '"volumes":[{"name":"tmp","ephemeral":{}}],"containers":');
    const cluster = parseClusterSnapshot(bytes(t), 's.json');
    expect(cluster.pods.map((p) => p.volumes)).toEqual([[{ name: 'tmp', kind: 'pvc', claimName: 'p1-tmp' }], [{ name: 'tmp', kind: 'pvc', claimName: 'p2-tmp' }]]);
  });

  it('refuses a reference to fields not defined before it, a bad or repeated number, and shared fields on another kind', () => {
    const objects = [node('n1'), pod('a', 'p1', 'n1'), pod('a', 'p2', 'n1')];
    const t = text(objects);
    const lines = t.split('\n');
    const sharedLine = lines.findIndex((l) => l.includes('"kind":"SharedPodFields"'));
    const unknown = t.replace(/"kind":"Pod","shared":0/g, '"kind":"Pod","shared":7');
    expect(inputErrorOf(() => parseClusterSnapshot(bytes(unknown), 's.json')).message).toMatch(/^s\.json: Pod p1: shared: names shared pod fields 7, which no SharedPodFields line before it \(at line \d\) defines/);
    const badNumber = t.replace('"kind":"SharedPodFields","shared":0', '"kind":"SharedPodFields","shared":"zero"');
    expect(inputErrorOf(() => parseClusterSnapshot(bytes(badNumber), 's.json')).message).toMatch(/^s\.json: SharedPodFields at line \d: shared: expected a whole number naming these fields; found "zero"/);
    const twice = [...lines.slice(0, sharedLine + 1), lines[sharedLine], ...lines.slice(sharedLine + 1)].join('\n').replace('"SharedPodFields":1', '"SharedPodFields":2');
    expect(inputErrorOf(() => parseClusterSnapshot(bytes(twice), 's.json')).message).toMatch(/^s\.json: SharedPodFields 0: shared: expected each number once; found it again at line \d/);
    const onNode = t.replace('{"apiVersion":"v1","kind":"Node",', '{"apiVersion":"v1","kind":"Node","shared":0,');
    expect(inputErrorOf(() => parseClusterSnapshot(bytes(onNode), 's.json')).message).toMatch(/^s\.json: line 2: shared: only pods take shared fields; found kind "Node"/);
    const extra = t.replace('"kind":"SharedPodFields","shared":0,', '"kind":"SharedPodFields","shared":0,"data":{},');
    expect(inputErrorOf(() => parseClusterSnapshot(bytes(extra), 's.json')).message).toMatch(/^s\.json: SharedPodFields 0: data: not a field of shared pod fields/);
    // A pod's own fields in the shared line would make every pod of the set one uid or one node: refused.
    const sharedNode = t.replace('"kind":"SharedPodFields","shared":0,"metadata":{', '"kind":"SharedPodFields","shared":0,"metadata":{"uid":"same",');
    expect(inputErrorOf(() => parseClusterSnapshot(bytes(sharedNode), 's.json')).message).toMatch(/^s\.json: SharedPodFields 0: metadata\.uid: a pod's own field: it belongs on the pod's line/);
    const sharedSpecNode = t.replace(/("kind":"SharedPodFields".*"spec":\{)/, '$1"nodeName":"n1",');
    expect(sharedSpecNode).not.toBe(t);
    expect(inputErrorOf(() => parseClusterSnapshot(bytes(sharedSpecNode), 's.json')).message).toMatch(/^s\.json: SharedPodFields 0: spec\.nodeName: a pod's own field/);
    const badSpec = t.replace('"name":"p2","namespace":"a","uid":"uid-a-p2"},"spec":{"nodeName":"n1"}', '"name":"p2","namespace":"a","uid":"uid-a-p2"},"spec":"n1"');
    expect(badSpec).not.toBe(t);
    expect(inputErrorOf(() => parseClusterSnapshot(bytes(badSpec), 's.json')).message).toMatch(/^s\.json: Pod p2: spec: expected an object; found "n1"/);
    // Shared fields under the header of the layout with every pod whole.
    const v1 = t.replace('"apiVersion":"vngshift.io/v2","kind":"ClusterSnapshot"', '"apiVersion":"vngshift.io/v1","kind":"ClusterSnapshot"');
    expect(v1).not.toBe(t);
    expect(inputErrorOf(() => parseClusterSnapshot(bytes(v1), 's.json')).message).toMatch(/^s\.json: ClusterSnapshot: apiVersion: vngshift\.io\/v1 holds every pod whole, but this file has shared pod fields/);
  });
});

/** The snapshot file: its header, one object per line, detection, reading back (also reformatted), and damaged files. */
import { describe, expect, it } from 'vitest';
import { inputErrorOf } from '../kube/helpers.js';
import { clusterFromValues } from '../../../../src/model/kube/cluster.js';
import { isClusterSnapshot, parseClusterSnapshot, readSnapshot, snapshotValues, writeSnapshot } from '../../../../src/model/snapshot/format.js';
import { richClusterList } from './rich-cluster.js';

function kept(list: unknown): Record<string, unknown>[] {
  return snapshotValues([{ value: list, where: '' }], 'dump').map((v) => v.value as Record<string, unknown>);
}

function text(objects: readonly Record<string, unknown>[], chunkLines = 3): string {
  let out = '';
  writeSnapshot(objects, { createdAt: '2026-01-15T12:00:00Z', source: 'file dump.json', generator: 'test' }, (c) => (out += c), { chunkLines });
  return out;
}

const objects = kept(richClusterList());
const snapshot = text(objects);
const bytes = (t: string): Buffer => Buffer.from(t);

describe('writing', () => {
  it('a header of its own, then one object per line, then the closing line: valid JSON as a whole', () => {
    const lines = snapshot.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\{"apiVersion":"vngshift\.io\/v2","kind":"ClusterSnapshot","metadata":\{"createdAt":"2026-01-15T12:00:00Z","source":"file dump.json","generator":"test"\},"counts":\{"Node":3,"Pod":4,/);
    expect(lines[0]).toMatch(/"items":\[$/);
    expect(lines).toHaveLength(objects.length + 2);
    expect(lines.at(-1)).toBe(']}');
    const doc = JSON.parse(snapshot) as { items: unknown[] };
    expect(doc.items).toHaveLength(objects.length);
  });

  it('orders objects by kind, namespace and name whatever the input order, in any chunk size', () => {
    const reversed = text([...objects].reverse(), 1000);
    expect(reversed).toBe(snapshot);
    const kinds = (JSON.parse(snapshot) as { items: { kind: string }[] }).items.map((o) => o.kind);
    expect(kinds.slice(0, 4)).toEqual(['Node', 'Node', 'Node', 'Pod']);
    expect(kinds.at(-1)).toBe('StorageClass');
  });
});

describe('detection', () => {
  it('knows a snapshot by its header, reformatted too, and nothing else', () => {
    expect(isClusterSnapshot(bytes(snapshot))).toBe(true);
    expect(isClusterSnapshot(JSON.stringify(JSON.parse(snapshot), null, 2))).toBe(true);
    expect(isClusterSnapshot(`\uFEFF  ${snapshot}`)).toBe(true);
    expect(isClusterSnapshot(JSON.stringify(richClusterList()))).toBe(false);
    expect(isClusterSnapshot('apiVersion: vngshift.io/v1\nkind: ClusterSnapshot\n')).toBe(false);
    expect(isClusterSnapshot('')).toBe(false);
  });
});

describe('reading', () => {
  const expected = parseClusterSnapshot(bytes(snapshot), 's.json');

  it('gives back the header and every object, each named by its line', () => {
    const r = readSnapshot(bytes(snapshot), 's.json');
    expect(r.header.metadata).toEqual({ createdAt: '2026-01-15T12:00:00Z', source: 'file dump.json', generator: 'test' });
    expect(r.objects).toHaveLength(objects.length);
    expect(r.objects[0]?.where).toBe('line 2');
    expect(expected.pods).toHaveLength(4);
  });

  it('parses line by line the Cluster that the decoded objects give all at once', () => {
    expect(expected).toEqual(clusterFromValues(readSnapshot(bytes(snapshot), 's.json').objects, 's.json'));
    expect(expected.nodes).toHaveLength(3);
  });

  it('reads a reformatted (pretty-printed) or CRLF copy alike', () => {
    expect(parseClusterSnapshot(bytes(JSON.stringify(JSON.parse(snapshot), null, 2)), 's.json')).toEqual(expected);
    expect(parseClusterSnapshot(bytes(snapshot.replace(/\n/g, '\r\n')), 's.json')).toEqual(expected);
  });

  it('refuses a file cut short, edited counts, a broken line and another version, naming the file', () => {
    const lines = snapshot.split('\n');
    expect(inputErrorOf(() => parseClusterSnapshot(bytes(lines.slice(0, 5).join('\n') + '\n'), 's.json')).message).toMatch(/^s\.json: the snapshot is cut short: no closing "\]\}" after 4 objects/);
    const dropped = [...lines.slice(0, 3), ...lines.slice(4)].join('\n');
    expect(inputErrorOf(() => parseClusterSnapshot(bytes(dropped), 's.json')).message).toMatch(/^s\.json: ClusterSnapshot: counts: the header counts 3 Node, the file holds 2/);
    const broken = [...lines.slice(0, 2), '{"apiVersion":"v1",', ...lines.slice(3)].join('\n');
    expect(inputErrorOf(() => parseClusterSnapshot(bytes(broken), 's.json')).message).toMatch(/^s\.json: line 3: expected one JSON object per line/);
    const v9 = snapshot.replace('"vngshift.io/v2"', '"vngshift.io/v9"');
    expect(inputErrorOf(() => parseClusterSnapshot(bytes(v9), 's.json')).message).toMatch(/apiVersion: expected vngshift\.io\/v2 or vngshift\.io\/v1; found "vngshift\.io\/v9"/);
  });

  it('reports a bad object the way a dump does, naming its line for a duplicate', () => {
    const lines = snapshot.split('\n');
    const dup = [lines[0], lines[1], lines[1], ...lines.slice(2)].join('\n').replace('"Node":3', '"Node":4');
    expect(inputErrorOf(() => parseClusterSnapshot(bytes(dup), 's.json')).message).toMatch(/^s\.json: Node node-a: expected each object once; found it twice \(at line 2 and at line 3\)/);
  });
});

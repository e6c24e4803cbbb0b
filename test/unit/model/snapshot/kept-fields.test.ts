/**
 * The snapshot's field list (src/model/snapshot/kept-fields.ts) against what the cluster parser actually reads, in both
 * directions, so neither can change without the other:
 * - every path the parser looks at (present or not: a Proxy records each property read while it parses rich inputs) is kept;
 * - every path kept is looked at by the parser on some input (nothing kept for nothing).
 * And the annotations: every `annotations[KEY]` read anywhere in src/ or sim/ names a key the snapshot keeps.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { load as parseYaml } from 'js-yaml';
import { generateClusterObjects } from '../../../../src/gen/cluster.js';
import { Prng } from '../../../../src/gen/prng.js';
import { clusterFromValues } from '../../../../src/model/kube/cluster.js';
import type { FieldSpec } from '../../../../src/model/snapshot/field-spec.js';
import { KEPT_FIELDS, READ_ANNOTATIONS } from '../../../../src/model/snapshot/kept-fields.js';
import { scenarioObjects, type ScenarioSpec } from '../../../arbitraries/cluster.js';
import { richClusterList } from './rich-cluster.js';

const SEP = '\u0001';

/** A view of `value` that records, in `sink`, the path of every property read (array indexes as `[]`, enumeration as `*`). */
function recording(value: unknown, path: readonly string[], sink: Set<string>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  return new Proxy(value, {
    get(target, key, receiver) {
      if (typeof key === 'symbol') return Reflect.get(target, key, receiver);
      const isArray = Array.isArray(target);
      if (isArray && key === 'length') return Reflect.get(target, key, receiver);
      // Methods of the prototype (map, find, ...) are not fields.
      if (!Object.prototype.hasOwnProperty.call(target, key) && key in target) return Reflect.get(target, key, receiver);
      const next = [...path, isArray && /^\d+$/.test(key) ? '[]' : key];
      sink.add(next.join(SEP));
      return recording(Reflect.get(target, key, receiver), next, sink);
    },
    ownKeys(target) {
      sink.add([...path, '*'].join(SEP));
      return Reflect.ownKeys(target);
    },
  });
}

/** The items of a v1 List or a flat array. */
function itemsOf(input: unknown): unknown[] {
  if (Array.isArray(input)) return input;
  const items = (input as { items?: unknown }).items;
  return Array.isArray(items) ? items : [];
}

/** Paths the parser reads, by kind, while it parses these objects. */
function readPaths(objects: readonly unknown[]): Map<string, Set<string>> {
  const byKind = new Map<string, Set<string>>();
  const values = objects.map((o, i) => {
    const kind = String((o as { kind?: unknown }).kind);
    let sink = byKind.get(kind);
    if (sink === undefined) byKind.set(kind, (sink = new Set()));
    return { value: recording(o, [], sink), where: `objects[${i}]` };
  });
  clusterFromValues(values, 'recorded');
  return byKind;
}

/** Whether `path` is kept by `spec`. */
function covered(spec: FieldSpec, path: readonly string[]): boolean {
  const [seg, ...rest] = path;
  if (seg === undefined) return true;
  switch (spec.t) {
    case 'keep':
      return true;
    case 'present':
      return false;
    case 'object': {
      const field = spec.fields[seg];
      if (field === undefined) return spec.filtered !== undefined;
      return covered(field, rest);
    }
    case 'list':
      return seg === '[]' && covered(spec.item, rest);
  }
}

/** The paths a spec keeps, down to its leaves (a filtered object's own keys are justified by the annotation scan). */
function keptLeaves(spec: FieldSpec, path: readonly string[], out: string[]): string[] {
  if (spec.t === 'object') {
    const keys = Object.keys(spec.fields);
    if (keys.length === 0 || spec.filtered !== undefined) out.push(path.join(SEP));
    else for (const k of keys) keptLeaves(spec.fields[k] as FieldSpec, [...path, k], out);
  } else if (spec.t === 'list') keptLeaves(spec.item, [...path, '[]'], out);
  else out.push(path.join(SEP));
  return out;
}

const SCENARIO: ScenarioSpec = {
  nodes: [
    { type: 'm5.large', zone: 'us-east-1a', migrate: true, dedicated: false },
    { type: 'c5.xlarge', zone: 'us-east-1b', migrate: false, dedicated: true },
  ],
  deployments: [
    { replicas: 2, cpuMilli: 100, memoryMi: 128, hostAnti: true, zoneSpread: true, hostSpread: true, dedicated: false, tolerates: true, hostPort: true },
    { replicas: 1, cpuMilli: 200, memoryMi: 256, hostAnti: false, zoneSpread: false, hostSpread: false, dedicated: true, tolerates: false, hostPort: false },
  ],
  pdbs: [{ deployment: 0, minAvailable: true }, { deployment: 1, minAvailable: false }],
  vngs: [{ types: ['m5.large'], zones: ['us-east-1a'], maxInstanceCount: null }],
  dedicatedVng: null,
  daemonSet: true,
};

function inputs(): unknown[][] {
  return [
    itemsOf(richClusterList()),
    itemsOf(parseYaml(readFileSync('examples/cluster.yaml', 'utf8'))),
    generateClusterObjects({ nodes: 12, pods: 300, pendingPods: 4, blockingPdbs: 1 }, new Prng(7)),
    scenarioObjects(SCENARIO),
  ];
}

describe('the snapshot field list against the parser', () => {
  const recorded = new Map<string, Set<string>>();
  for (const objects of inputs()) {
    for (const [kind, paths] of readPaths(objects)) {
      const all = recorded.get(kind) ?? new Set<string>();
      for (const p of paths) all.add(p);
      recorded.set(kind, all);
    }
  }

  it('reads every kind the snapshot keeps, on these inputs', () => {
    expect([...recorded.keys()].filter((k) => KEPT_FIELDS.has(k)).sort()).toEqual([...KEPT_FIELDS.keys()].sort());
  });

  it('keeps every path the parser reads', () => {
    const missing: string[] = [];
    for (const [kind, paths] of recorded) {
      const spec = KEPT_FIELDS.get(kind);
      if (spec === undefined) continue;
      for (const p of paths) {
        // The envelope looks for `items` on every object but uses it only when the kind ends in List: no kept kind does.
        if (p === 'items') continue;
        if (!covered(spec, p.split(SEP))) missing.push(`${kind}: ${p.split(SEP).join('.')}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('keeps no path the parser does not read', () => {
    const unread: string[] = [];
    for (const [kind, spec] of KEPT_FIELDS) {
      const paths = recorded.get(kind) ?? new Set<string>();
      for (const leaf of keptLeaves(spec, [], [])) if (!paths.has(leaf)) unread.push(`${kind}: ${leaf.split(SEP).join('.')}`);
    }
    expect(unread).toEqual([]);
  });
});

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('the annotations a snapshot keeps', () => {
  // The snapshot's own modules only name the annotations (in the list and its comments).
  const files = [...sourceFiles('src'), ...sourceFiles('sim')].filter((f) => !f.includes('model/snapshot/')).map((f) => ({ f, text: readFileSync(f, 'utf8') }));
  const constants = new Map<string, string>();
  for (const { text } of files) for (const m of text.matchAll(/\bconst ([A-Z_][A-Z0-9_]*)\s*=\s*'([^']*)'/g)) constants.set(m[1] as string, m[2] as string);

  it('are every annotation read anywhere in the program', () => {
    const reads: string[] = [];
    for (const { f, text } of files) {
      for (const m of text.matchAll(/annotations\??\.?\[\s*([^\]]+?)\s*\]/g)) {
        const expr = m[1] as string;
        const key = /^'[^']*'$/.test(expr) ? expr.slice(1, -1) : constants.get(expr);
        reads.push(`${key ?? `unresolved ${expr}`} (${f})`);
      }
    }
    expect(reads.length).toBeGreaterThan(3);
    expect(reads.filter((r) => !READ_ANNOTATIONS.some((k) => r.startsWith(`${k} (`)))).toEqual([]);
  });

  it('are never read as a whole map outside the parser', () => {
    const whole = files.filter(({ f, text }) => !f.includes('model/kube/') && /Object\.(keys|entries|values)\([^)]*\bannotations\b/.test(text)).map(({ f }) => f);
    expect(whole).toEqual([]);
  });
});

/**
 * fast-check arbitraries for the property tests, all in one place. A scenario is generated as a small plain spec, then
 * turned into kubectl-style objects and launch-spec JSON and parsed through the real parsers, so the model is always one
 * the parsers accept.
 */
import fc from 'fast-check';
import { yamlText as toYaml } from '../../src/model/yaml-output.js';
import { loadCatalog, type Catalog } from '../../src/catalog/catalog.js';
import { parseClusterObjects } from '../../src/model/kube/index.js';
import { parseParams, type MigrationParams } from '../../src/model/params.js';
import type { Cluster, Vng } from '../../src/model/types.js';
import { parseVngText } from '../../src/model/vng/parse-vngs.js';
import {
  daemonSetObjects,
  deploymentObjects,
  kubeList,
  launchSpecsText,
  nodeObject,
  pdbObject,
  type KObj,
  type LaunchSpecInput,
} from '../helpers/kube-objects.js';

export const TYPES = ['m5.large', 'm5.xlarge', 'm5.2xlarge', 'c5.large', 'c5.xlarge', 'c5.2xlarge', 'r5.large', 'r5.xlarge'] as const;
export const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'] as const;
const DEDICATED_TAINT = { key: 'dedicated', value: 'true', effect: 'NoSchedule' };

export interface OldNodeSpec {
  readonly type: string;
  readonly zone: string;
  readonly migrate: boolean;
  readonly dedicated: boolean;
}

export interface DeploymentSpec {
  readonly replicas: number;
  readonly cpuMilli: number;
  readonly memoryMi: number;
  readonly hostAnti: boolean;
  readonly zoneSpread: boolean;
  readonly hostSpread: boolean;
  /** nodeSelector + toleration for the dedicated (tainted) VNG. */
  readonly dedicated: boolean;
  /** Tolerates the dedicated taint without asking for it. */
  readonly tolerates: boolean;
  readonly hostPort: boolean;
}

export interface VngSpec {
  readonly types: readonly string[];
  readonly zones: readonly string[];
  readonly maxInstanceCount: number | null;
}

export interface ScenarioSpec {
  readonly nodes: readonly OldNodeSpec[];
  readonly deployments: readonly DeploymentSpec[];
  readonly pdbs: readonly { readonly deployment: number; readonly minAvailable: boolean }[];
  readonly vngs: readonly VngSpec[];
  /** An extra VNG with label pool=dedicated and taint dedicated=true:NoSchedule. */
  readonly dedicatedVng: VngSpec | null;
  readonly daemonSet: boolean;
}

const subset = <T>(items: readonly T[]): fc.Arbitrary<T[]> => fc.subarray([...items], { minLength: 1 });

export const vngSpecArb: fc.Arbitrary<VngSpec> = fc.record({
  types: subset(TYPES),
  zones: subset(ZONES),
  maxInstanceCount: fc.option(fc.integer({ min: 1, max: 15 }), { nil: null, freq: 2 }),
});

const deploymentArb: fc.Arbitrary<DeploymentSpec> = fc.record({
  replicas: fc.integer({ min: 1, max: 12 }),
  cpuMilli: fc.integer({ min: 1, max: 60 }).map((x) => x * 50),
  memoryMi: fc.integer({ min: 1, max: 64 }).map((x) => x * 128),
  hostAnti: fc.boolean(),
  zoneSpread: fc.boolean(),
  hostSpread: fc.boolean(),
  dedicated: fc.boolean(),
  tolerates: fc.boolean(),
  hostPort: fc.nat({ max: 9 }).map((x) => x === 0),
});

export const scenarioArb: fc.Arbitrary<ScenarioSpec> = fc
  .record({
    nodes: fc.array(
      fc.record({
        type: fc.constantFrom(...TYPES),
        zone: fc.constantFrom(...ZONES),
        migrate: fc.nat({ max: 3 }).map((x) => x !== 0),
        dedicated: fc.nat({ max: 4 }).map((x) => x === 0),
      }),
      { minLength: 2, maxLength: 8 },
    ),
    deployments: fc.array(deploymentArb, { minLength: 1, maxLength: 6 }),
    pdbs: fc.array(fc.record({ deployment: fc.nat({ max: 5 }), minAvailable: fc.boolean() }), { maxLength: 2 }),
    vngs: fc.array(vngSpecArb, { minLength: 1, maxLength: 2 }),
    dedicatedVng: fc.option(vngSpecArb, { nil: null }),
    daemonSet: fc.boolean(),
  })
  .map((s) => ({ ...s, pdbs: s.pdbs.filter((p) => p.deployment < s.deployments.length) }));

export const NAMESPACE = 'shop';

/** The kubectl objects of a scenario (a flat list, as in a v1 List's items). */
export function scenarioObjects(s: ScenarioSpec, catalog: Catalog = loadCatalog()): KObj[] {
  const out: KObj[] = [];
  const names = s.nodes.map((_, i) => `ip-10-0-${i}-${10 + i}.ec2.internal`);
  s.nodes.forEach((n, i) => {
    out.push(
      nodeObject(catalog, {
        name: names[i] as string,
        instanceType: n.type,
        zone: n.zone,
        index: i,
        labels: {
          'vngshift.io/migrate': String(n.migrate || i === 0),
          ...(n.dedicated ? { pool: 'dedicated' } : {}),
        },
        taints: n.dedicated ? [DEDICATED_TAINT] : [],
      }),
    );
  });
  s.deployments.forEach((d, di) => {
    const app = `app-${di}`;
    const labels = { app };
    const eligible = names.filter((_, i) => (s.nodes[i]?.dedicated ?? false) === d.dedicated || (!s.nodes[i]?.dedicated && d.tolerates && !d.dedicated));
    const onePerNode = d.hostAnti || d.hostPort;
    const replicaNodes = Array.from({ length: d.replicas }, (_, r) =>
      eligible.length === 0 || (onePerNode && r >= eligible.length) ? null : (eligible[(r + di) % eligible.length] as string),
    );
    const tolerations: KObj[] = [];
    if (d.dedicated || d.tolerates) tolerations.push({ key: 'dedicated', operator: 'Equal', value: 'true', effect: 'NoSchedule' });
    const spreads: KObj[] = [];
    if (d.zoneSpread) {
      spreads.push({ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: labels } });
    }
    if (d.hostSpread) {
      spreads.push({ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: labels } });
    }
    out.push(
      ...deploymentObjects({
        namespace: NAMESPACE,
        name: app,
        index: di,
        replicaNodes,
        template: {
          labels,
          cpuMilli: d.cpuMilli,
          memoryMi: d.memoryMi,
          ...(d.dedicated ? { nodeSelector: { pool: 'dedicated' } } : {}),
          ...(tolerations.length > 0 ? { tolerations } : {}),
          ...(d.hostAnti
            ? {
                affinity: {
                  podAntiAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: labels } }],
                  },
                },
              }
            : {}),
          ...(spreads.length > 0 ? { topologySpreadConstraints: spreads } : {}),
          ...(d.hostPort ? { hostPort: 8080 + di } : {}),
        },
      }),
    );
  });
  s.pdbs.forEach((p, i) => {
    out.push(pdbObject(NAMESPACE, `pdb-${i}`, { app: `app-${p.deployment}` }, p.minAvailable ? { minAvailable: 1 } : { maxUnavailable: 1 }));
  });
  if (s.daemonSet) {
    out.push(
      ...daemonSetObjects({
        namespace: 'kube-system',
        name: 'node-agent',
        index: 0,
        nodes: names,
        template: { labels: { app: 'node-agent' }, cpuMilli: 50, memoryMi: 64, tolerations: [{ operator: 'Exists' }] },
      }),
    );
  }
  return out;
}

export function launchSpecs(s: Pick<ScenarioSpec, 'vngs' | 'dedicatedVng'>): LaunchSpecInput[] {
  const out: LaunchSpecInput[] = s.vngs.map((v, i) => ({ name: `vng-${i}`, instanceTypes: v.types, zones: v.zones, maxInstanceCount: v.maxInstanceCount }));
  if (s.dedicatedVng) {
    out.push({
      name: 'dedicated',
      instanceTypes: s.dedicatedVng.types,
      zones: s.dedicatedVng.zones,
      maxInstanceCount: s.dedicatedVng.maxInstanceCount,
      labels: { pool: 'dedicated' },
      taints: [DEDICATED_TAINT],
    });
  }
  return out;
}

export const MIGRATE_PARAMS: MigrationParams = parseParams({ nodes: 'vngshift.io/migrate=true' }, 'property test');

export interface Built {
  readonly objects: KObj[];
  readonly cluster: Cluster;
  readonly vngText: string;
  readonly vngs: Vng[];
  readonly catalog: Catalog;
}

export function build(s: ScenarioSpec): Built {
  const catalog = loadCatalog();
  const objects = scenarioObjects(s, catalog);
  const cluster = parseClusterObjects([kubeList(objects)], 'cluster.json');
  const vngText = launchSpecsText(launchSpecs(s));
  const { vngs } = parseVngText(vngText, 'vngs.json', catalog);
  return { objects, cluster, vngText, vngs, catalog };
}

/** A deterministic permutation of `items` from a seed (an LCG driving Fisher-Yates). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let x = (seed >>> 0) || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const j = x % (i + 1);
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  return out;
}

// ---- mutations of valid inputs -------------------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export type Mutation =
  | { readonly op: 'delete'; readonly at: number }
  | { readonly op: 'replace'; readonly at: number; readonly value: Json }
  | { readonly op: 'truncate'; readonly at: number }
  | { readonly op: 'garbage'; readonly at: number; readonly text: string };

const garbageValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>('12Qi', '-1', '1e400', 'abc', '', '0.0001m', '∞', 'NaN', '-5Gi', '1.5', '99999999999999999999Ei'),
  fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, 1e308, [], {}, [1, 'x'], { a: { b: null } }),
  fc.string({ maxLength: 12 }),
  fc.integer(),
);

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: garbageValue }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('garbage' as const), at: fc.nat(), text: fc.constantFrom(':', '{', ']', '- ', '\t', '"', '&a', '*b', '!!binary', '%', '\u0000') }) },
);

/** Every (parent, key) position of a JSON tree, depth first. */
function positions(root: Json): { parent: Json[] | { [k: string]: Json }; key: string | number }[] {
  const out: { parent: Json[] | { [k: string]: Json }; key: string | number }[] = [];
  const walk = (v: Json): void => {
    if (Array.isArray(v)) {
      v.forEach((c, i) => {
        out.push({ parent: v, key: i });
        walk(c);
      });
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        out.push({ parent: v, key: k });
        walk(v[k] as Json);
      }
    }
  };
  walk(root);
  return out;
}

/** Applies structural mutations to a copy of `value`, then text mutations to its JSON or YAML form. */
export function mutate(value: unknown, mutations: readonly Mutation[], asYaml: boolean): string {
  const root = JSON.parse(JSON.stringify(value)) as Json;
  for (const m of mutations) {
    if (m.op !== 'delete' && m.op !== 'replace') continue;
    const all = positions(root);
    if (all.length === 0) break;
    const pos = all[m.at % all.length];
    if (!pos) continue;
    const { parent, key } = pos;
    if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
    } else if (Array.isArray(parent)) parent[key as number] = m.value;
    else parent[key as string] = m.value;
  }
  let text = asYaml ? toYaml(root) : JSON.stringify(root, null, 1);
  for (const m of mutations) {
    if (m.op === 'truncate') text = text.slice(0, m.at % (text.length + 1));
    else if (m.op === 'garbage') {
      const at = m.at % (text.length + 1);
      text = text.slice(0, at) + m.text + text.slice(at);
    }
  }
  return text;
}

/** A valid small scenario's inputs, mutated: cluster text and VNG text. */
export const mutatedInputsArb = fc.record({
  scenario: scenarioArb,
  clusterMutations: fc.array(mutationArb, { maxLength: 3 }),
  vngMutations: fc.array(mutationArb, { maxLength: 2 }),
  clusterYaml: fc.boolean(),
  vngYaml: fc.boolean(),
});

export type MutatedInputs = typeof mutatedInputsArb extends fc.Arbitrary<infer T> ? T : never;

export function mutatedTexts(m: MutatedInputs): { cluster: string; vngs: string } {
  const catalog = loadCatalog();
  const list = kubeList(scenarioObjects(m.scenario, catalog));
  const vngDoc = JSON.parse(launchSpecsText(launchSpecs(m.scenario))) as unknown;
  return { cluster: mutate(list, m.clusterMutations, m.clusterYaml), vngs: mutate(vngDoc, m.vngMutations, m.vngYaml) };
}
